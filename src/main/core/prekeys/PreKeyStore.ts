// This device's own prekeys in the vault: the signed prekeys (current and recently replaced, for late first
// messages) and the private halves of the one-time prekeys handed to the relay. A one-time prekey is deleted only
// after the session it started is durable, so a crash in between cannot make that first message undecryptable.
import { z } from 'zod';
import { KeyedQueue } from '../../../shared/base';
import type { OneTimePreKey, SignedPreKey } from '../../../shared/crypto/prekeys';
import { fromBase64, toBase64 } from '../../../shared/encoding/base64';
import { jsonRecord, type Vault } from '../vault';

/** Local one-time prekeys beyond this (handed out, never used) are dropped oldest first. */
export const MAX_LOCAL_ONE_TIME_PREKEYS = 2_000;

const B64 = z.string().max(256);
const PreKeyFile = z.strictObject({
  signed: z.array(z.strictObject({ id: z.number().int(), publicKey: B64, secretKey: B64, signature: B64, createdAt: z.number().int() })).max(100),
  currentSignedId: z.number().int().nullable(),
  nextSignedId: z.number().int(),
  oneTime: z.array(z.strictObject({ id: z.number().int(), publicKey: B64, secretKey: B64 })).max(MAX_LOCAL_ONE_TIME_PREKEYS),
  nextOneTimeId: z.number().int(),
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
}

const EMPTY: PreKeyState = { signed: [], currentSignedId: null, nextSignedId: 1, oneTime: [], nextOneTimeId: 1 };

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
  };
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

  /** Applies `change` to the current state and stores the result; changes never interleave. */
  update(change: (state: PreKeyState) => PreKeyState): Promise<PreKeyState> {
    return this.writes.run(RECORD, async () => {
      const next = change(await this.load());
      const trimmed = next.oneTime.length > MAX_LOCAL_ONE_TIME_PREKEYS ? { ...next, oneTime: next.oneTime.slice(-MAX_LOCAL_ONE_TIME_PREKEYS) } : next;
      await this.vault.put('records', RECORD, codec.encode(toFile(trimmed)));
      this.state = trimmed;
      return trimmed;
    });
  }

  /** Deletes a one-time prekey once the session it started is safely stored. */
  consumeOneTime(id: number): Promise<PreKeyState> {
    return this.update((state) => ({ ...state, oneTime: state.oneTime.filter((k) => k.id !== id) }));
  }
}
