// Packs a script call's arguments as one MessagePack value (arrays of strings; numbers as their decimal text, bytes
// as they are) that the script unpacks with Redis's built-in `cmsgpack.unpack`. One argument instead of a dozen per
// operation spares the relay ioredis's per-argument encoding and Redis its per-argument parsing. Only the MessagePack
// types Redis's cmsgpack reads are written: array 32 and str 32 (it takes any bytes in a str, not only UTF-8).
const ARRAY_32 = 0xdd;
const STR_32 = 0xdb;
const HEADER_BYTES = 5;

export class StringPack {
  private buffer = Buffer.allocUnsafe(4096);
  private length = 0;

  /** Starts an array of `count` items (which follow). */
  array(count: number): this {
    this.reserve(HEADER_BYTES);
    this.header(ARRAY_32, count);
    return this;
  }

  /** A string item: UTF-8 text, a number as its decimal text, or bytes as they are. */
  item(value: string | number | Uint8Array): this {
    if (value instanceof Uint8Array) {
      this.reserve(HEADER_BYTES + value.length);
      this.header(STR_32, value.length);
      this.buffer.set(value, this.length);
      this.length += value.length;
      return this;
    }
    const text = typeof value === 'number' ? String(value) : value;
    this.reserve(HEADER_BYTES + text.length * 3);
    const start = this.length + HEADER_BYTES;
    // Keys, names and numbers are ASCII and short: copied here rather than through a native call each.
    let written = 0;
    for (; written < text.length; written++) {
      const code = text.charCodeAt(written);
      if (code >= 0x80) break;
      this.buffer[start + written] = code;
    }
    if (written < text.length) written = this.buffer.write(text, start, 'utf8');
    this.header(STR_32, written);
    this.length += written;
    return this;
  }

  /** The packed bytes (a view: the pack must not be written to afterwards). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
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
