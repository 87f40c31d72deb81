// Test helper: run a function and report the CryptoError code it threw (undefined if it returned).
import { CryptoError } from '../errors';

export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError) return e.code;
    throw e;
  }
  return undefined;
}
