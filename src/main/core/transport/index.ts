// The transport's public surface: what the client facade may use.
export { Transport, type TransportEvents, type TransportOptions } from './Transport';
export { DEFAULT_TRANSPORT_CONFIG, resolveTransportConfig, type TransportConfig } from './config';
export {
  ConnectionError,
  DevicesChangedError,
  TransportError,
  isRetryable,
  type ConnectionErrorCode,
  type TransportErrorCode,
} from './errors';
export { ReconnectPolicy, type ReconnectPolicyOptions } from './ReconnectPolicy';
export { RelayUrlError, relayWebSocketUrl } from './relayUrl';
export { systemClock, type Clock, type TimerHandle } from './clock';
export { silentLogger, stderrLogger, idHint, type Logger, type LogFields } from './logger';
export { wsSocketFactory, type RelaySocket, type RelaySocketFactory, type RelaySocketHandlers } from './socket';
export type {
  AccountDevice,
  AccountDevices,
  ConnectionSnapshot,
  BlobToken,
  DeviceLinkRequest,
  ConnectionState,
  Delivery,
  DevicePreKeyBundle,
  DeviceCredentials,
  DeviceSigner,
  PrekeyBundles,
  PrekeyCount,
  PrekeysPublished,
  PrekeyUpload,
  PublicOneTimePreKey,
  PublicSignedPreKey,
  SendOptions,
  SendResult,
} from './types';
