// A WebSocket-aware TCP proxy on 127.0.0.1 for end-to-end tests: it sees every frame a client sends the relay
// (unmasked, as the relay reads it) and every frame the relay sends back, can hold the relay's `deliver` frames
// and release them shuffled (the network reordering deliveries within a window), and can cut every connection.
// Frames pass unchanged; only their order (deliveries among themselves) may change.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface WsTapOptions {
  /** Called with the text of every complete frame a client sends (after the HTTP upgrade). */
  onClientFrame?: (text: string) => void;
  /** Called with the text of every complete frame the relay sends. */
  onServerFrame?: (text: string) => void;
}

export interface WsTapProxy {
  readonly url: string;
  /** From now on, hold `deliver` frames and release up to `window` of them at a time in random order. */
  reorder(window: number, random?: () => number): void;
  /** Releases anything held and stops reordering. */
  inOrder(): void;
  /** Holds `deliver` frames (all, or those the predicate picks) until release(): a message stuck in the network. */
  hold(predicate?: (frame: Record<string, unknown>) => boolean): void;
  /** Lets held frames through, in their order. */
  release(): void;
  /** Swallows client frames the predicate matches (e.g. acks lost on the way); null forwards everything again. */
  swallow(predicate: ((frame: Record<string, unknown>) => boolean) | null): void;
  /** Writes a text frame to every client as if the relay had sent it (a relay that misbehaves). */
  inject(text: string): void;
  /** Destroys every connection abruptly (a dropped network); clients reconnect. */
  dropAll(): void;
  acceptedCount(): number;
  close(): Promise<void>;
}

interface Frame {
  bytes: Buffer;
  text: string | null;
}

/** Parses complete frames off the front of `buffer`; returns them and what is left. */
function takeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer[offset]!;
    const b1 = buffer[offset + 1]!;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      header = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskAt = offset + header;
    if (masked) header += 4;
    const total = header + length;
    if (buffer.length - offset < total) break;
    const bytes = buffer.subarray(offset, offset + total);
    const payload = Buffer.from(buffer.subarray(offset + header, offset + total));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskAt + (i % 4)]!;
    const isText = (b0 & 0x80) !== 0 && (b0 & 0x0f) === 1;
    frames.push({ bytes: Buffer.from(bytes), text: isText ? payload.toString('utf8') : null });
    offset += total;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** An unmasked, unfragmented text frame (server to client). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x81, payload.length]);
  else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

function isDeliver(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown }).type === 'deliver';
  } catch {
    return false;
  }
}

/** Splits a stream into the HTTP upgrade head and WebSocket frames. */
class FrameStream {
  private head = true;
  private pending = Buffer.alloc(0);

  constructor(private readonly onBytes: (bytes: Buffer) => void, private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.head) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.onBytes(this.pending.subarray(0, end + 4));
      this.pending = this.pending.subarray(end + 4);
      this.head = false;
    }
    const { frames, rest } = takeFrames(this.pending);
    this.pending = Buffer.from(rest);
    for (const frame of frames) this.onFrame(frame);
  }
}

export async function startWsTapProxy(target: { port: number }, options: WsTapOptions = {}): Promise<WsTapProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let window = 0;
  let holding: ((frame: Record<string, unknown>) => boolean) | null = null;
  let swallowing: ((frame: Record<string, unknown>) => boolean) | null = null;
  let random = Math.random;
  const flushers = new Set<() => void>();
  const releasers = new Set<() => void>();
  const clients = new Set<Socket>();

  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect({ port: target.port, host: '127.0.0.1' });
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      flushers.delete(flush);
      releasers.delete(release);
      clients.delete(client);
    };
    let held: Buffer[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const out = held;
      held = [];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      for (const bytes of out) if (!client.destroyed) client.write(bytes);
    };
    flushers.add(flush);
    let stuck: Buffer[] = [];
    const release = () => {
      const out = stuck;
      stuck = [];
      for (const bytes of out) if (!client.destroyed) client.write(bytes);
    };
    releasers.add(release);
    clients.add(client);
    const toRelay = new FrameStream(
      (bytes) => upstream.write(bytes),
      (frame) => {
        if (frame.text !== null) options.onClientFrame?.(frame.text);
        if (swallowing && frame.text !== null && swallowing(JSON.parse(frame.text) as Record<string, unknown>)) return;
        upstream.write(frame.bytes);
      },
    );
    const toClient = new FrameStream(
      (bytes) => client.write(bytes),
      (frame) => {
        if (frame.text !== null) options.onServerFrame?.(frame.text);
        if (holding && frame.text !== null && isDeliver(frame.text) && holding(JSON.parse(frame.text) as Record<string, unknown>)) {
          stuck.push(frame.bytes);
          return;
        }
        if (window > 1 && frame.text !== null && isDeliver(frame.text)) {
          held.push(frame.bytes);
          if (held.length >= window) flush();
          else timer ??= setTimeout(flush, 15);
          return;
        }
        client.write(frame.bytes);
      },
    );
    client.on('data', (chunk) => toRelay.push(chunk));
    upstream.on('data', (chunk) => toClient.push(chunk));
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    reorder(size, rng = Math.random) {
      window = size;
      random = rng;
    },
    inOrder() {
      window = 0;
      for (const flush of flushers) flush();
    },
    swallow(predicate) {
      swallowing = predicate;
    },
    hold(predicate = () => true) {
      holding = predicate;
    },
    release() {
      holding = null;
      for (const release of releasers) release();
    },
    inject(text) {
      for (const client of clients) client.write(textFrame(text));
    },
    dropAll() {
      for (const socket of [...sockets]) socket.destroy();
      sockets.clear();
    },
    acceptedCount: () => accepted,
    close: async () => {
      for (const socket of [...sockets]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
