// Reads the first bytes of a stream (enough to recognise its type) and gives back a stream that still yields
// every byte from the start, so sniffing a file never buffers more than its head.
import { Readable } from 'node:stream';

export async function peekHead(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const parts: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      finished = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    parts.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(parts);
  const stream = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      if (finished) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  stream.once('close', () => void iterator.return?.());
  return { head: head.subarray(0, Math.min(head.length, bytes)), stream };
}
