// WebSocket close codes the relay uses, each with a stable reason string. Clients map them to typed errors;
// `retryable` says whether reconnecting can help.

export const CloseCode = {
  /** Relay shutting down (RFC 6455 "going away"). */
  goingAway: 1001,
  /** A frame before authentication was not a valid register/auth frame. */
  protocolViolation: 4000,
  badSignature: 4001,
  unknownDevice: 4002,
  nonceReused: 4003,
  nonceExpired: 4004,
  /** No register/auth frame arrived in time. */
  authTimeout: 4005,
  usernameTaken: 4006,
  /** The nonce in the auth frame was never issued on this connection. */
  nonceUnknown: 4008,
  /** A newer connection for the same device replaced this one. */
  replaced: 4010,
  /** Too many malformed or rejected frames. */
  abuse: 4011,
  /** This device was removed from its account. */
  deviceRemoved: 4012,
  /** A provisioning connection's address expired, or its provisioning message was delivered. */
  provisioningDone: 4013,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

export const CLOSE_REASONS: Record<CloseCodeName, string> = {
  goingAway: 'relay_shutting_down',
  protocolViolation: 'protocol_violation',
  badSignature: 'auth_bad_signature',
  unknownDevice: 'auth_unknown_device',
  nonceReused: 'auth_nonce_reused',
  nonceExpired: 'auth_nonce_expired',
  authTimeout: 'auth_timeout',
  usernameTaken: 'username_taken',
  nonceUnknown: 'auth_nonce_unknown',
  replaced: 'replaced_by_new_connection',
  abuse: 'too_many_bad_frames',
  deviceRemoved: 'device_removed',
  provisioningDone: 'provisioning_done',
};

/** Close codes after which reconnecting with the same credentials cannot succeed. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.badSignature,
  CloseCode.unknownDevice,
  CloseCode.usernameTaken,
  CloseCode.replaced,
  CloseCode.deviceRemoved,
]);

export function closeCodeName(code: number): CloseCodeName | undefined {
  return (Object.keys(CloseCode) as CloseCodeName[]).find((name) => CloseCode[name] === code);
}
