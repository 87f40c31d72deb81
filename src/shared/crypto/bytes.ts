// Byte helpers for the crypto wire formats: concatenation, hex, and a bounds-checked reader/writer (constant-time
// comparison is bytesEqual in src/shared/base). Readers throw CryptoError('bad_message' | 'bad_state'), never a
// RangeError from a typed array.
import { CryptoError, type CryptoErrorCode } from './errors';

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return hex;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('not valid hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const MAX_UINT32 = 0xffff_ffff;

/** Appends fixed-size fields; numbers are unsigned 32-bit big-endian, timestamps 64-bit (as a safe integer). */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  u8(value: number): this {
    this.parts.push(Uint8Array.of(value & 0xff));
    return this;
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) throw new RangeError(`not a uint32: ${value}`);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value);
    this.parts.push(out);
    return this;
  }

  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a safe unsigned integer: ${value}`);
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, Math.floor(value / 2 ** 32));
    view.setUint32(4, value >>> 0);
    this.parts.push(out);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  /** A length-prefixed (uint32) byte string. */
  varBytes(value: Uint8Array): this {
    return this.u32(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly errorCode: CryptoErrorCode,
    private readonly what: string,
  ) {}

  private fail(reason: string): never {
    throw new CryptoError(this.errorCode, `${this.what}: ${reason}`);
  }

  private take(length: number): Uint8Array {
    if (this.offset + length > this.data.length) this.fail('truncated');
    const out = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u32(): number {
    const b = this.take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }

  u64(): number {
    const b = this.take(8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const value = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
    if (!Number.isSafeInteger(value)) this.fail('integer out of range');
    return value;
  }

  bytes(length: number): Uint8Array {
    return this.take(length);
  }

  varBytes(maxLength: number): Uint8Array {
    const length = this.u32();
    if (length > maxLength) this.fail(`field longer than ${maxLength} bytes`);
    return this.take(length);
  }

  /** Everything not read yet. */
  rest(): Uint8Array {
    return this.take(this.data.length - this.offset);
  }

  /** A bounded count for a list that follows, so a corrupt count cannot make us allocate without limit. */
  count(max: number): number {
    const n = this.u32();
    if (n > max) this.fail(`more than ${max} entries`);
    return n;
  }

  expectVersion(expected: number): void {
    const version = this.u8();
    if (version !== expected) this.fail(`unsupported version or type 0x${version.toString(16)}`);
  }

  end(): void {
    if (this.offset !== this.data.length) this.fail('trailing bytes');
  }
}
