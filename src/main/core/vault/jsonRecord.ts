// JSON records in the vault, validated on the way back in: a record that authenticates but does not match its
// schema (written by a newer version, or a bug) is a typed vault_record_corrupt, never a half-trusted object.
import type { z } from 'zod';
import { utf8Decode, utf8Encode } from '../../../shared/encoding/utf8';
import { VaultError } from './VaultError';

export interface RecordCodec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

export function jsonRecord<S extends z.ZodType>(schema: S, what: string): RecordCodec<z.output<S>> {
  return {
    encode: (value) => utf8Encode(JSON.stringify(value)),
    decode(bytes) {
      let json: unknown;
      try {
        json = JSON.parse(utf8Decode(bytes));
      } catch (cause) {
        throw new VaultError('vault_record_corrupt', `A stored ${what} is not readable.`, { cause });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new VaultError('vault_record_corrupt', `A stored ${what} is not valid.`, { cause: parsed.error });
      return parsed.data;
    },
  };
}
