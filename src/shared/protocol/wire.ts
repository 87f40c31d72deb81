// The primitives of the binary frame layout (docs/protocol.md, "Encoding"): big-endian integers, short ASCII
// identifiers with a one-byte length, addresses, and length-prefixed byte strings. The reader checks bounds and
// character sets as it goes and throws WireError at the first violation; it never copies a payload (the bytes
// it returns are views of the frame). Runs anywhere: no Buffer, no node:*.

/** A frame does not follow the layout: truncated, out of range, bad characters, or bytes left over. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

const MAX_U48 = 2 ** 48 - 1;

/** Bytes allowed in a message id: A–Z a–z 0–9 _ - */
const ID_CHARS = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-');
/** Bytes allowed in a username after its first: A–Z a–z 0–9 _ . - (the first is a letter or digit). */
const USER_CHARS = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-');
const USER_FIRST_CHARS = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  /** A 48-bit unsigned integer (sequence numbers, millisecond times): exact in a JS number. */
  u48(): number {
    this.need(6);
    const value = this.view.getUint16(this.offset) * 2 ** 32 + this.view.getUint32(this.offset + 2);
    this.offset += 6;
    return value;
  }

  /** `length` bytes as a view of the frame (not a copy). */
  bytesOf(length: number): Uint8Array {
    this.need(length);
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** u32 length, then that many bytes, at most `max`. */
  blob(max: number, what: string): Uint8Array {
    const length = this.u32();
    if (length > max) throw new WireError(`${what} of ${length} bytes exceeds ${max}`);
    return this.bytesOf(length);
  }

  /** A message id: u8 length 1–64, then [A-Za-z0-9_-]. */
  messageId(): string {
    return this.ascii(1, 64, ID_CHARS, ID_CHARS, 'message id');
  }

  /** A username: u8 length 3–32, then a letter or digit and [A-Za-z0-9_.-]. */
  username(): string {
    return this.ascii(3, 32, USER_FIRST_CHARS, USER_CHARS, 'username');
  }

  /** A device id: u32, 1 … 2^31 − 1. */
  device(): number {
    const device = this.u32();
    if (device < 1 || device > 0x7fff_ffff) throw new WireError(`device ${device} is out of range`);
    return device;
  }

  /** The frame must end here: trailing bytes are an error, not padding. */
  end(): void {
    if (this.offset !== this.bytes.length) throw new WireError(`${this.bytes.length - this.offset} bytes after the end of the frame`);
  }

  private ascii(min: number, max: number, first: Uint8Array, rest: Uint8Array, what: string): string {
    const length = this.u8();
    if (length < min || length > max) throw new WireError(`${what} must be ${min}–${max} characters, got ${length}`);
    this.need(length);
    const start = this.offset;
    let text = '';
    for (let i = 0; i < length; i++) {
      const byte = this.bytes[start + i]!;
      if ((i === 0 ? first : rest)[byte] !== 1) throw new WireError(`${what} has a character it may not contain`);
      text += String.fromCharCode(byte);
    }
    this.offset += length;
    return text;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new WireError('the frame ends early');
  }
}

/** Writes into a buffer of a size computed beforehand (encoders size a frame first, then fill it). */
export class ByteWriter {
  private offset = 0;
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(value: number): this {
    this.bytes[this.offset++] = value;
    return this;
  }

  u16(value: number): this {
    this.view.setUint16(this.offset, value);
    this.offset += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.offset, value);
    this.offset += 4;
    return this;
  }

  u48(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U48) throw new WireError(`${value} does not fit in 48 bits`);
    this.view.setUint16(this.offset, Math.floor(value / 2 ** 32));
    this.view.setUint32(this.offset + 2, value % 2 ** 32);
    this.offset += 6;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  blob(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }

  /** u8 length, then the characters (ASCII; callers pass validated ids and usernames). */
  ascii(text: string): this {
    this.u8(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.offset++] = text.charCodeAt(i);
    return this;
  }

  /** The buffer, checked to be exactly full. */
  done(): Uint8Array {
    if (this.offset !== this.bytes.length) throw new WireError(`encoder sized ${this.bytes.length} bytes but wrote ${this.offset}`);
    return this.bytes;
  }
}

/** Encoded size of an ascii() field. */
export const asciiSize = (text: string): number => 1 + text.length;
