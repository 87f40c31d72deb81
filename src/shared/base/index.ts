// Small helpers every layer uses, one copy each. Runs anywhere: no Node, no DOM, no Electron, nothing of ours.
export { KeyedQueue } from './KeyedQueue';
export { backoffCeiling, fullJitterDelay, type BackoffPolicy } from './backoff';
export { bytesEqual } from './bytesEqual';
export { CodedError } from './CodedError';
export { writeAllAt, type PositionalFile } from './writeAllAt';
