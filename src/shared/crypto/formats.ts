// The first byte of every serialized crypto object: its kind (high nibble) and version (low nibble). Distinct
// values make it impossible to parse one kind as another, and let a receiver tell them apart without an envelope.
// Version 2 of the prekey message, bundle and session state is PQXDH; version 1 (X3DH) is read only as a session
// state without a pending prekey header (docs/security.md, "Migration from X3DH").
export const FORMAT = {
  ratchetMessage: 0x11,
  preKeyMessage: 0x22,
  senderKeyMessage: 0x31,
  senderKeyDistributionMessage: 0x41,
  preKeyBundle: 0x52,
  ratchetState: 0x61,
  sessionState: 0x72,
  /** An X3DH-era session state: readable only when its session was answered (no pending prekey header). */
  sessionStateV1: 0x71,
  senderKeyState: 0x81,
  senderKeyRecord: 0x91,
} as const;

export type MessageKind = 'ratchet' | 'preKey' | 'senderKey' | 'senderKeyDistribution';

/** What kind of message these bytes claim to be, or undefined. Parsing still validates everything. */
export function messageKind(bytes: Uint8Array): MessageKind | undefined {
  switch (bytes[0]) {
    case FORMAT.ratchetMessage:
      return 'ratchet';
    case FORMAT.preKeyMessage:
      return 'preKey';
    case FORMAT.senderKeyMessage:
      return 'senderKey';
    case FORMAT.senderKeyDistributionMessage:
      return 'senderKeyDistribution';
    default:
      return undefined;
  }
}
