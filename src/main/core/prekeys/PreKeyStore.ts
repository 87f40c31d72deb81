// This device's own prekeys in the vault: the signed prekeys (current and recently replaced, for late first
// messages), the private halves of the one-time prekeys handed to the relay, and the KEM prekeys (one-time ones, and
// last-resort ones: the current and recently replaced). A one-time prekey is deleted only after the session it
// started is durable, so a crash in between cannot make that first message undecryptable.
import { z } from 'zod';
import { KeyedQueue } from '../../../shared/base';
import type { KemPreKey, OneTimePreKey, SignedPreKey } from '../../../shared/crypto/prekeys';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { jsonRecord, type Vault } from '../vault';

/** Local one-time prekeys beyond this (handed out, never used) are dropped oldest first. */
export const MAX_LOCAL_ONE_TIME_PREKEYS = 2_000;
/** Local one-time KEM prekeys beyond this are dropped oldest first (each is 2.4 KB of secret key). */
export const MAX_LOCAL_KEM_PREKEYS = 200;

/** An ML-KEM-768 decapsulation key embeds its encapsulation key (FIPS 203: dk = dk_PKE ‖ ek ‖ H(ek) ‖ z). */
const EK_OFFSET = 1152;
const EK_BYTES = 1184;

const B64 = z.string().max(256);
const PreKeyFile = z.strictObject({
  signed: z.array(z.strictObject({ id: z.number().int(), publicKey: B64, secretKey: B64, signature: B64, createdAt: z.number().int() })).max(100),
  currentSignedId: z.number().int().nullable(),
  nextSignedId: z.number().int(),
  oneTime: z.array(z.strictObject({ id: z.number().int(), publicKey: B64, secretKey: B64 })).max(MAX_LOCAL_ONE_TIME_PREKEYS),
  nextOneTimeId: z.number().int(),
  kem: z
    .array(z.strictObject({ id: z.number().int(), secretKey: z.string().max(3300), signature: B64, createdAt: z.number().int(), lastResort: z.boolean() }))
    .max(MAX_LOCAL_KEM_PREKEYS + 20),
  currentLastResortKemId: z.number().int().nullable(),
  nextKemId: z.number().int(),
});
type PreKeyFile = z.infer<typeof PreKeyFile>;
const codec = jsonRecord(PreKeyFile, 'prekey set');
const RECORD = 'prekeys';

export interface PreKeyState {
  readonly signed: readonly SignedPreKey[];
  readonly currentSignedId: number | null;
  readonly nextSignedId: number;
  readonly oneTime: readonly OneTimePreKey[];
  readonly nextOneTimeId: number;
  /** One-time and last-resort KEM prekeys, oldest first. */
  readonly kem: readonly KemPreKey[];
  readonly currentLastResortKemId: number | null;
  readonly nextKemId: number;
}

const EMPTY: PreKeyState = {
  signed: [],
  currentSignedId: null,
  nextSignedId: 1,
  oneTime: [],
  nextOneTimeId: 1,
  kem: [],
  currentLastResortKemId: null,
  nextKemId: 1,
};

function toFile(state: PreKeyState): PreKeyFile {
  return {
    signed: state.signed.map((k) => ({
      id: k.id,
      publicKey: toBase64(k.keyPair.publicKey),
      secretKey: toBase64(k.keyPair.secretKey),
      signature: toBase64(k.signature),
      createdAt: k.createdAt,
    })),
    currentSignedId: state.currentSignedId,
    nextSignedId: state.nextSignedId,
    oneTime: state.oneTime.map((k) => ({ id: k.id, publicKey: toBase64(k.keyPair.publicKey), secretKey: toBase64(k.keyPair.secretKey) })),
    nextOneTimeId: state.nextOneTimeId,
    kem: state.kem.map((k) => ({ id: k.id, secretKey: toBase64(k.keyPair.secretKey), signature: toBase64(k.signature), createdAt: k.createdAt, lastResort: k.lastResort })),
    currentLastResortKemId: state.currentLastResortKemId,
    nextKemId: state.nextKemId,
  };
}

function fromFile(file: PreKeyFile): PreKeyState {
  return {
    signed: file.signed.map((k) => ({
      id: k.id,
      keyPair: { publicKey: fromBase64(k.publicKey), secretKey: fromBase64(k.secretKey) },
      signature: fromBase64(k.signature),
      createdAt: k.createdAt,
    })),
    currentSignedId: file.currentSignedId,
    nextSignedId: file.nextSignedId,
    oneTime: file.oneTime.map((k) => ({ id: k.id, keyPair: { publicKey: fromBase64(k.publicKey), secretKey: fromBase64(k.secretKey) } })),
    nextOneTimeId: file.nextOneTimeId,
    kem: file.kem.map((k) => {
      const secretKey = fromBase64(k.secretKey);
      const keyPair = { secretKey, publicKey: secretKey.slice(EK_OFFSET, EK_OFFSET + EK_BYTES) };
      return { id: k.id, keyPair, signature: fromBase64(k.signature), createdAt: k.createdAt, lastResort: k.lastResort };
    }),
    currentLastResortKemId: file.currentLastResortKemId,
    nextKemId: file.nextKemId,
  };
}

/** Keeps every last-resort key and the newest one-time KEM keys. */
function trimmed(state: PreKeyState): PreKeyState {
  const oneTime = state.oneTime.length > MAX_LOCAL_ONE_TIME_PREKEYS ? state.oneTime.slice(-MAX_LOCAL_ONE_TIME_PREKEYS) : state.oneTime;
  const kemOneTime = state.kem.filter((k) => !k.lastResort);
  const dropped = new Set(kemOneTime.slice(0, Math.max(0, kemOneTime.length - MAX_LOCAL_KEM_PREKEYS)).map((k) => k.id));
  const kem = dropped.size === 0 ? state.kem : state.kem.filter((k) => k.lastResort || !dropped.has(k.id));
  return oneTime === state.oneTime && kem === state.kem ? state : { ...state, oneTime, kem };
}

export class PreKeyStore {
  private state: PreKeyState | undefined;
  /** Changes are read-modify-write of one record: one at a time. */
  private readonly writes = new KeyedQueue();

  constructor(private readonly vault: Vault) {}

  async load(): Promise<PreKeyState> {
    if (this.state) return this.state;
    const bytes = await this.vault.get('records', RECORD);
    this.state = bytes ? fromFile(codec.decode(bytes)) : EMPTY;
    return this.state;
  }

  signedPreKey(state: PreKeyState, id: number): SignedPreKey | undefined {
    return state.signed.find((k) => k.id === id);
  }

  oneTimePreKey(state: PreKeyState, id: number): OneTimePreKey | undefined {
    return state.oneTime.find((k) => k.id === id);
  }

  kemPreKey(state: PreKeyState, id: number): KemPreKey | undefined {
    return state.kem.find((k) => k.id === id);
  }

  /** Applies `change` to the current state and stores the result; changes never interleave. */
  update(change: (state: PreKeyState) => PreKeyState): Promise<PreKeyState> {
    return this.writes.run(RECORD, async () => {
      const next = trimmed(change(await this.load()));
      await this.vault.put('records', RECORD, codec.encode(toFile(next)));
      this.state = next;
      return next;
    });
  }

}
