import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from './bytesEqual';

describe('bytesEqual', () => {
  it('agrees with element-wise equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(bytesEqual(a, b)).toBe(a.length === b.length && a.every((byte, i) => byte === b[i]));
        expect(bytesEqual(a, a.slice())).toBe(true);
      }),
    );
  });
});
