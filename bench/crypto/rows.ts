// The rows of the crypto benchmark, the same work for every system. A system implements each row as a prepare
// step (untimed: identities, sessions, group membership) returning the operation that is timed.
import type { Operation } from './harness';

export const MESSAGE_BYTES = 1024;

export const ROWS = [
  {
    id: 'setup',
    label: 'session setups/s (PQXDH + first message both ways)',
    anchor: 420,
    parley: 'verify 2 bundle signatures, ML-KEM-768 encaps + 4 X25519; Bob: decaps + 4 X25519; 1 KiB each way; 4 session-record encodes (ML-KEM: liboqs in WebAssembly on node, JavaScript on noble)',
    libsignal: 'same flow with Kyber-1024 (libsignal’s default); 4 session-record serializations',
  },
  {
    id: 'steady',
    label: '1 KiB encrypt+decrypt/s, steady state',
    anchor: 3150,
    parley: 'chain-key step, ChaCha20-Poly1305 seal/open; session record encoded after each side',
    libsignal: 'chain-key step, AES-256-CBC + HMAC-SHA256; session record serialized after each side',
  },
  {
    id: 'dhStep',
    label: '1 KiB encrypt+decrypt/s, DH step on every message',
    anchor: 2000,
    parley: 'as steady, plus a new X25519 ratchet key and 2 agreements per message',
    libsignal: 'as steady, plus a new X25519 ratchet key and 2 agreements per message',
  },
  {
    id: 'group100',
    label: '100-member group message/s (1 encrypt + 99 decrypts)',
    anchor: undefined,
    parley: '1 sender-key encrypt + Ed25519 sign, 99 verify + decrypt; every state/record encoded',
    libsignal: 'the same with its sender keys (AES-CBC); every record serialized',
  },
  {
    id: 'groupPair',
    label: 'sender-key group message/s (1 encrypt + 1 decrypt)',
    anchor: 4250,
    parley: '1 encrypt + sign, 1 verify + decrypt; state and record encoded',
    libsignal: 'the same; both records serialized',
  },
  {
    id: 'sender10',
    label: 'group send/s, sender side, 10 members',
    anchor: undefined,
    parley: '1 encrypt + sign, sender state encoded (the relay fans the one ciphertext out)',
    libsignal: '1 encrypt + sign, sender record serialized',
  },
  {
    id: 'sender100',
    label: 'group send/s, sender side, 100 members',
    anchor: undefined,
    parley: 'as above: group size does not change the sender’s work',
    libsignal: 'as above',
  },
  {
    id: 'sender1000',
    label: 'group send/s, sender side, 1,000 members',
    anchor: undefined,
    parley: 'as above',
    libsignal: 'as above',
  },
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
