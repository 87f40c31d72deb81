// A WebSocket-aware TCP proxy on 127.0.0.1 for end-to-end tests: it sees every frame a client sends the relay
// (unmasked and decoded, as the relay reads it) and every frame the relay sends back, can hold the relay's
// `deliver` frames or chosen client frames and release them later, lose client frames, inject relay frames, and
// cut every connection. Frames pass unchanged.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { decodeClientFrame, decodeServerFrame, encodeServerFrame, type ClientFrame, type ServerFrame } from '../../src/shared/protocol';

export interface WsTapOptions {
  /** Called with every complete frame a client sends (after the HTTP upgrade), decoded; undefined if it is no v2 frame. */
  onClientFrame?: (frame: ClientFrame | undefined) => void;
  /** Called with every complete frame the relay sends, decoded. */
  onServerFrame?: (frame: ServerFrame | undefined) => void;
}

export interface WsTapProxy {
  readonly url: string;
  /**
   * Holds the relay's `deliver` frames until release(): messages stuck in the network. All of them, in order — a
   * WebSocket is one ordered stream, and protocol v2 clients refuse deliveries out of order.
   */
  hold(): void;
  /** Holds the client's frames the predicate picks (e.g. one send) until release(): a request stuck on its way. */
  holdClient(predicate: (frame: ClientFrame) => boolean): void;
  /** Lets held frames through, in their order. */
  release(): void;
  /** Swallows client frames the predicate matches (e.g. acks lost on the way); null forwards everything again. */
  swallow(predicate: ((frame: ClientFrame) => boolean) | null): void;
  /** Writes a frame to every client as if the relay had sent it (a relay that misbehaves). */
  inject(frame: ServerFrame): void;
  /** Destroys every connection abruptly (a dropped network); clients reconnect. */
  dropAll(): void;
  acceptedCount(): number;
  close(): Promise<void>;
}

interface Frame {
  /** The whole WebSocket frame as it travels. */
  bytes: Buffer;
  /** Its payload, unmasked, when it is a complete binary message. */
  binary: Buffer | null;
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
    const isBinary = (b0 & 0x80) !== 0 && (b0 & 0x0f) === 2;
    frames.push({ bytes: Buffer.from(bytes), binary: isBinary ? payload : null });
    offset += total;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** An unmasked, unfragmented binary frame (server to client). */
function binaryFrame(payload: Uint8Array): Buffer {
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x82, payload.length]);
  else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x82;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x82;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

function clientFrameOf(frame: Frame): ClientFrame | undefined {
  if (frame.binary === null) return undefined;
  const decoded = decodeClientFrame(frame.binary);
  return decoded.ok ? decoded.frame : undefined;
}

function serverFrameOf(frame: Frame): ServerFrame | undefined {
  if (frame.binary === null) return undefined;
  const decoded = decodeServerFrame(frame.binary);
  return decoded.ok ? decoded.frame : undefined;
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
  let holding = false;
  let holdingClient: ((frame: ClientFrame) => boolean) | null = null;
  let swallowing: ((frame: ClientFrame) => boolean) | null = null;
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
      releasers.delete(release);
      clients.delete(client);
    };
    let stuck: Buffer[] = [];
    let stuckOnTheWay: Buffer[] = [];
    const release = () => {
      const out = stuck;
      stuck = [];
      for (const bytes of out) if (!client.destroyed) client.write(bytes);
      const up = stuckOnTheWay;
      stuckOnTheWay = [];
      for (const bytes of up) if (!upstream.destroyed) upstream.write(bytes);
    };
    releasers.add(release);
    clients.add(client);
    const toRelay = new FrameStream(
      (bytes) => upstream.write(bytes),
      (frame) => {
        const decoded = clientFrameOf(frame);
        options.onClientFrame?.(decoded);
        if (decoded && swallowing?.(decoded)) return;
        if (decoded && holdingClient?.(decoded)) {
          stuckOnTheWay.push(frame.bytes);
          return;
        }
        upstream.write(frame.bytes);
      },
    );
    const toClient = new FrameStream(
      (bytes) => client.write(bytes),
      (frame) => {
        const decoded = serverFrameOf(frame);
        options.onServerFrame?.(decoded);
        if (holding && decoded?.type === 'deliver') {
          stuck.push(frame.bytes);
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
    swallow(predicate) {
      swallowing = predicate;
    },
    hold() {
      holding = true;
    },
    holdClient(predicate) {
      holdingClient = predicate;
    },
    release() {
      holding = false;
      holdingClient = null;
      for (const release of releasers) release();
    },
    inject(frame) {
      for (const client of clients) client.write(binaryFrame(encodeServerFrame(frame)));
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
