// The rows of the crypto benchmark, the same work for every system. A system implements each row as a prepare
// step (untimed: identities, sessions, group membership) returning the operation that is timed.
import type { Operation } from './harness';

export const MESSAGE_BYTES = 1024;

export const ROWS = [
  { id: 'setup', label: 'session setups/s (X3DH + first message both ways)', anchor: 420 },
  { id: 'steady', label: '1 KiB encrypt+decrypt/s, steady state', anchor: 3150 },
  { id: 'dhStep', label: '1 KiB encrypt+decrypt/s, DH step on every message', anchor: 2000 },
  { id: 'group100', label: '100-member group message/s (1 encrypt + 99 decrypts)', anchor: undefined },
  { id: 'groupPair', label: 'sender-key group message/s (1 encrypt + 1 decrypt)', anchor: 4250 },
  { id: 'sender10', label: 'group send/s, sender side, 10 members', anchor: undefined },
  { id: 'sender100', label: 'group send/s, sender side, 100 members', anchor: undefined },
  { id: 'sender1000', label: 'group send/s, sender side, 1,000 members', anchor: undefined },
] as const;

export type RowId = (typeof ROWS)[number]['id'];

export interface BenchSystem {
  readonly name: string;
  readonly prepare: Record<RowId, () => Promise<Operation> | Operation>;
}

/** A 1 KiB message whose bytes differ per call, so no system can cache anything about it. */
export function messageBody(counter: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(MESSAGE_BYTES);
  new DataView(body.buffer).setUint32(0, counter);
  return body;
}

export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark self-check failed: ${what}`);
}
