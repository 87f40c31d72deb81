// Typed errors of the connection: why a connection ended (ConnectionError, shown in the connection state) and why a
// request failed (TransportError, returned to the caller with `retryable` so the outbox knows whether to try again).
import { CodedError } from '../../../shared/base';
import { TextError, type ErrorText } from '../../../shared/ipc';
import {
  CLOSE_REASONS,
  FATAL_CLOSE_CODES,
  closeCodeName,
  type CloseCodeName,
  type DeviceMismatch,
  type ErrorCode,
  type ErrorFrame,
} from '../../../shared/protocol';

// ── connection errors ─────────────────────────────────────────────────────────

export type ConnectionErrorCode =
  | (typeof CLOSE_REASONS)[CloseCodeName]
  | 'relay_unreachable'
  | 'connection_closed'
  | 'handshake_timeout'
  | 'dead_peer'
  | 'protocol_error'
  | 'protocol_version_mismatch'
  | 'signing_failed';

export interface ConnectionErrorOptions {
  /** Reconnecting with the same credentials cannot help; the transport stays offline. */
  fatal?: boolean;
  /** The WebSocket close code, when the relay closed the socket. */
  closeCode?: number;
  /** The technical cause (an OS error code such as ECONNREFUSED, a close code): a details line, not the message. */
  detail?: string;
}

export class ConnectionError extends TextError<ConnectionErrorCode> {
  override readonly name = 'ConnectionError';
  readonly fatal: boolean;
  readonly closeCode?: number;
  constructor(code: ConnectionErrorCode, text: ErrorText, options: ConnectionErrorOptions = {}) {
    super(code, text, options.detail === undefined ? undefined : { detail: options.detail });
    this.fatal = options.fatal ?? false;
    this.closeCode = options.closeCode;
  }
}

/** Maps the close of an established or establishing socket to a ConnectionError. */
export function connectionErrorFromClose(code: number, reason: string): ConnectionError {
  const name = closeCodeName(code);
  if (name) return new ConnectionError(CLOSE_REASONS[name], { id: 'connection.closed_by_relay', params: { reason: name } }, { fatal: FATAL_CLOSE_CODES.has(code), closeCode: code, detail: `close code ${code}` });
  const detail = `close code ${code}${reason ? `: ${reason.slice(0, 120)}` : ''}`;
  return new ConnectionError('connection_closed', { id: 'connection.closed' }, { closeCode: code, detail });
}

// ── request errors ────────────────────────────────────────────────────────────

export type TransportErrorCode =
  | ErrorCode
  /** Not connected right now; try again once online. */
  | 'offline'
  /** The connection dropped while the request was in flight; its outcome is unknown, so resend (ids dedup). */
  | 'connection_lost'
  | 'request_timeout'
  /** The request is invalid before it ever reaches the relay. */
  | 'invalid_request';

export class TransportError extends CodedError<TransportErrorCode> {
  override readonly name = 'TransportError';
  constructor(
    code: TransportErrorCode,
    message: string,
    /** Sending the same request again later can succeed. */
    readonly retryable: boolean,
    /** When the relay said how long to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}

/**
 * A checked send refused because the sender knew some account's devices wrong (nothing stored). `devices` is as the
 * relay said it, checked against the schema only: the sender checks it against what it knew before acting on it.
 */
export class DevicesChangedError extends TransportError {
  constructor(readonly devices: readonly DeviceMismatch[]) {
    super('devices_changed', RELAY_ERROR_MESSAGES.devices_changed, true);
  }
}

/** Relay error codes for which the same request can succeed later. */
const RETRYABLE_RELAY_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'mailbox_full',
  'internal',
  'not_authenticated',
  // The user may set up their device later.
  'no_prekeys',
  // Sent again once this device knows the account's devices.
  'devices_changed',
]);

const RELAY_ERROR_MESSAGES: Record<ErrorCode, string> = {
  malformed_frame: 'The relay could not read the request.',
  frame_too_large: 'The message is too large to send.',
  payload_too_large: 'The message is too large to send.',
  too_many_recipients: 'The message has too many recipients.',
  unknown_recipient: 'A recipient is not known to the relay.',
  rate_limited: 'Too many requests; the relay asked to slow down.',
  mailbox_full: 'A recipient’s mailbox on the relay is full.',
  not_authenticated: 'The connection was not signed in yet.',
  already_authenticated: 'The connection was already signed in.',
  unknown_delivery: 'The relay no longer has that delivery.',
  bad_prekey_signature: 'The relay refused this device’s encryption keys because their signature does not match its identity key.',
  too_many_prekeys: 'The relay already holds as many one-time keys for this device as it allows.',
  unknown_user: 'No one with that username on this relay.',
  no_prekeys: 'That user has not set up encryption on this relay yet. Try again later.',
  blob_not_found: 'The relay no longer has this attachment, or it was not sent to this device.',
  blob_too_large: 'The relay does not accept attachments this large.',
  quota_exceeded: 'Your account has no room left on the relay for attachments; older ones free their room when they expire.',
  not_primary: 'Only the device that created this account can link or remove other devices.',
  too_many_devices: 'This account already has the most devices it may have (10). Remove one first.',
  bad_certificate: 'The relay refused the new device because its certificate does not verify with this account’s key.',
  unknown_provisioning_address: 'This linking code was already used or has expired. Show a new code on the new device.',
  unknown_device: 'The relay does not know that device of this account.',
  devices_changed: 'A recipient’s devices changed; Parley sends again to the devices they have now.',
  internal: 'The relay had an internal error.',
};

export function transportErrorFromFrame(frame: ErrorFrame): TransportError {
  if (frame.code === 'devices_changed' && frame.devices !== undefined) return new DevicesChangedError(frame.devices);
  return new TransportError(
    frame.code,
    RELAY_ERROR_MESSAGES[frame.code],
    RETRYABLE_RELAY_ERRORS.has(frame.code),
    frame.retryAfterMs,
  );
}

export function isRetryable(error: unknown): boolean {
  return error instanceof TransportError && error.retryable;
}
