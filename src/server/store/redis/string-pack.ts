// Packs a script call's arguments as one MessagePack value (arrays of strings and integers; bytes as they are) that
// the script unpacks with Redis's built-in `cmsgpack.unpack`. One argument instead of a dozen per operation spares
// the relay ioredis's per-argument encoding and Redis its per-argument parsing. Only the MessagePack types Redis's
// cmsgpack reads are written: array 32; fixstr, str 8, str 16 and str 32 (it takes any bytes in a str, not only
// UTF-8), each string in the smallest that holds it, so a key or a name costs one or two bytes of header rather than
// five (every byte is written to Redis's socket and read by Redis); positive fixint, uint 32 and int 64. A string
// becomes a Lua string and an integer a Lua number (no string to intern or parse).
const ARRAY_32 = 0xdd;
const FIXSTR = 0xa0;
const STR_8 = 0xd9;
const STR_16 = 0xda;
const STR_32 = 0xdb;
const UINT_32 = 0xce;
const INT_64 = 0xd3;
const HEADER_BYTES = 5;
const TWO_32 = 2 ** 32;

/** Bytes of the smallest str header for a string of `length` bytes. */
function strHeaderBytes(length: number): number {
  if (length < 32) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  return HEADER_BYTES;
}

export class StringPack {
  private buffer = Buffer.allocUnsafe(4096);
  private length = 0;

  /** Starts an array of `count` items (which follow). */
  array(count: number): this {
    this.reserve(HEADER_BYTES);
    this.header(ARRAY_32, count);
    return this;
  }

  /** An item: an integer (a safe one) as a MessagePack integer, UTF-8 text or bytes as a string. */
  item(value: string | number | Uint8Array): this {
    if (typeof value === 'number') return this.integer(value);
    if (value instanceof Uint8Array) {
      this.reserve(HEADER_BYTES + value.length);
      this.strHeader(value.length);
      this.buffer.set(value, this.length);
      this.length += value.length;
      return this;
    }
    this.reserve(HEADER_BYTES + value.length * 3);
    // Keys, names and numbers are ASCII and short: copied here rather than through a native call each, after the
    // header their length (in bytes, as ASCII) takes.
    const start = this.length + strHeaderBytes(value.length);
    let written = 0;
    for (; written < value.length; written++) {
      const code = value.charCodeAt(written);
      if (code >= 0x80) break;
      this.buffer[start + written] = code;
    }
    if (written < value.length) {
      // Not ASCII: its UTF-8 length is known once written, after a header that holds any.
      written = this.buffer.write(value, this.length + HEADER_BYTES, 'utf8');
      this.header(STR_32, written);
    } else {
      this.strHeader(written);
    }
    this.length += written;
    return this;
  }

  private integer(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
    this.reserve(9);
    if (value >= 0 && value < 0x80) {
      this.buffer[this.length++] = value;
    } else if (value >= 0 && value < TWO_32) {
      this.header(UINT_32, value);
    } else {
      const high = Math.floor(value / TWO_32);
      this.buffer[this.length] = INT_64;
      this.buffer.writeInt32BE(high, this.length + 1);
      this.buffer.writeUInt32BE(value - high * TWO_32, this.length + 5);
      this.length += 9;
    }
    return this;
  }

  /** The packed bytes (a view: the pack must not be written to afterwards). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** The smallest str header for `length` bytes (strHeaderBytes). */
  private strHeader(length: number): void {
    const at = this.length;
    if (length < 32) {
      this.buffer[at] = FIXSTR | length;
      this.length += 1;
    } else if (length < 0x100) {
      this.buffer[at] = STR_8;
      this.buffer[at + 1] = length;
      this.length += 2;
    } else if (length < 0x10000) {
      this.buffer[at] = STR_16;
      this.buffer.writeUInt16BE(length, at + 1);
      this.length += 3;
    } else {
      this.header(STR_32, length);
    }
  }

  private header(type: number, count: number): void {
    this.buffer[this.length] = type;
    this.buffer.writeUInt32BE(count, this.length + 1);
    this.length += HEADER_BYTES;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
