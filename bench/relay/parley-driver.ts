// Bench-side Parley protocol v2 client: Ed25519 identities (node:crypto), registration on a first connection, then
// challenge–response auth on the connection that carries the load, binary `send` frames, and acks made by the real
// client's AckTracker (the deliveries of a `deliver` frame count as stored once it is read), which the device's next
// send carries within ACK_DELAY_MS or which leave alone after it, exactly as the real client's Connection does. It
// encodes and decodes with the shared codec, the code the real client runs.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import {
  authSigningBytes,
  decodeServerFrame,
  encodeClientFrame,
  registrationSigningBytes,
  type ClientFrame,
  type SendFrame,
  type ServerFrame,
} from '../../src/shared/protocol';
import { AckTracker } from '../../src/main/core/transport/AckTracker';
import { systemClock } from '../../src/main/core/transport/clock';
import { inBatches, urlOf, type DeviceSlot, type LoadDriver, type LoadEvents } from './load-driver';

const CONNECT_CONCURRENCY = 64;
const HANDSHAKE_TIMEOUT_MS = 30_000;
const DEVICE_ID = 1;

interface Identity {
  privateKey: KeyObject;
  /** Base64 of the raw 32-byte public key. */
  identityKey: string;
}

type IncomingFrame = ServerFrame;

function describe(frame: IncomingFrame): string {
  return frame.type === 'error' ? `error ${frame.code}` : frame.type;
}

/**
 * One WebSocket to the relay. Until goLive(), frames are matched to handshake waits (or queued for the next one,
 * since a frame can arrive before anyone waits for it); after, every frame goes to onFrame.
 */
class ParleySocket {
  private waiting: { type: string; resolve: (frame: IncomingFrame) => void; reject: (error: Error) => void } | undefined;
  private early: IncomingFrame[] = [];
  private live = false;
  private closedWith: string | undefined;
  onFrame: (frame: IncomingFrame) => void = () => {};
  onClose: (reason: string) => void = () => {};

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(data);
      if (!decoded.ok) throw new Error(`the relay sent an invalid frame: ${decoded.error.message}`);
      const frame = decoded.frame;
      if (this.live) return this.onFrame(frame);
      const waiting = this.waiting;
      if (waiting === undefined) return void this.early.push(frame);
      this.waiting = undefined;
      if (frame.type === waiting.type) waiting.resolve(frame);
      else waiting.reject(new Error(`expected ${waiting.type}, got ${describe(frame)}`));
    });
    ws.on('close', (code, reason) => {
      this.closedWith = `${code} ${reason.toString()}`;
      this.waiting?.reject(new Error(`socket closed: ${this.closedWith}`));
      this.waiting = undefined;
      this.onClose(this.closedWith);
    });
    ws.on('error', () => {
      // Reported through 'close'.
    });
  }

  static open(url: string): Promise<ParleySocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const socket = new ParleySocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** The next handshake frame, which must be of `type`. */
  next(type: string): Promise<IncomingFrame> {
    const early = this.early.shift();
    if (early !== undefined) {
      return early.type === type ? Promise.resolve(early) : Promise.reject(new Error(`expected ${type}, got ${describe(early)}`));
    }
    if (this.closedWith !== undefined) return Promise.reject(new Error(`socket closed: ${this.closedWith}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no ${type} frame within ${HANDSHAKE_TIMEOUT_MS} ms`));
      }, HANDSHAKE_TIMEOUT_MS);
      this.waiting = {
        type,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  /** Handshake over: frames from now on (and any that arrived early) go to onFrame. */
  goLive(): void {
    this.live = true;
    const early = this.early;
    this.early = [];
    for (const frame of early) this.onFrame(frame);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 2_000);
    await closed;
    clearTimeout(timer);
  }
}

interface LiveDevice {
  socket: ParleySocket;
  nextRid: number;
  /** rid → messageId of sends not yet answered, to attribute `error` frames. */
  pending: Map<number, string>;
  acks: AckTracker;
}

export class ParleyDriver implements LoadDriver {
  private readonly live: LiveDevice[] = [];
  private closing = false;
  /** `ack` frames written, and sends that carried an ack: how often acks ride (bench/relay/slices.ts prints it). */
  readonly ackCounts = { alone: 0, carried: 0 };

  constructor(
    private readonly urls: readonly string[],
    private readonly runTag: string,
    private readonly payload: Uint8Array,
    private readonly events: LoadEvents,
  ) {}

  username(global: number): string {
    return `${this.runTag}-${global}`;
  }

  async connect(devices: readonly DeviceSlot[]): Promise<void> {
    await inBatches(devices, CONNECT_CONCURRENCY, async ({ global, local }) => {
      const identity = createIdentity();
      await this.register(global, identity);
      this.live[local] = await this.authenticate(global, local, identity);
    });
  }

  send(local: number, toGlobal: number, messageId: string): void {
    const device = this.live[local];
    if (device === undefined) throw new Error(`no live device ${local}`);
    const rid = device.nextRid++;
    device.pending.set(rid, messageId);
    const frame: SendFrame = {
      type: 'send',
      rid,
      messageId,
      to: [{ user: this.username(toGlobal), device: DEVICE_ID }],
      payload: this.payload,
      ephemeral: false,
    };
    const ackThrough = device.acks.carryInSend();
    if (ackThrough !== undefined) {
      frame.ackThrough = ackThrough;
      this.ackCounts.carried++;
    }
    write(device.socket, frame);
  }

  async close(): Promise<void> {
    this.closing = true;
    await inBatches(this.live, CONNECT_CONCURRENCY, (device) => device.socket.close());
  }

  private async register(global: number, identity: Identity): Promise<void> {
    const socket = await ParleySocket.open(urlOf(this.urls, global));
    try {
      const nonce = await challengeNonce(socket);
      const username = this.username(global);
      const signature = signBase64(identity, registrationSigningBytes(nonce, username, DEVICE_ID, identity.identityKey));
      write(socket, { type: 'register', nonce, username, device: DEVICE_ID, identityKey: identity.identityKey, signature });
      await socket.next('ready');
    } finally {
      await socket.close();
    }
  }

  private async authenticate(global: number, local: number, identity: Identity): Promise<LiveDevice> {
    const socket = await ParleySocket.open(urlOf(this.urls, global));
    const nonce = await challengeNonce(socket);
    const user = this.username(global);
    const signature = signBase64(identity, authSigningBytes(nonce, user, DEVICE_ID));
    const acks = new AckTracker((through, also) => {
      this.ackCounts.alone++;
      write(socket, { type: 'ack', through, also });
    }, systemClock);
    const device: LiveDevice = { socket, nextRid: 1, pending: new Map(), acks };
    socket.onFrame = (frame) => this.handle(device, local, frame);
    socket.onClose = (reason) => {
      acks.close();
      if (this.closing) return;
      for (const messageId of device.pending.values()) this.events.failed(local, messageId, 'connection_closed');
      device.pending.clear();
      this.events.failed(local, undefined, `closed ${reason}`);
    };
    write(socket, { type: 'auth', nonce, user, device: DEVICE_ID, signature });
    await socket.next('ready');
    socket.goLive();
    return device;
  }

  private handle(device: LiveDevice, local: number, frame: IncomingFrame): void {
    switch (frame.type) {
      case 'deliver': {
        // Everything of this frame is "stored" at once.
        for (const delivery of frame.deliveries) {
          this.events.delivered(local, delivery.messageId);
          device.acks.delivered(delivery.seq);
          device.acks.ack(delivery.seq);
        }
        return;
      }
      case 'sent':
        for (const { rid } of frame.answers) {
          const messageId = device.pending.get(rid);
          device.pending.delete(rid);
          if (messageId !== undefined) this.events.acked(local, messageId);
        }
        return;
      case 'error': {
        const messageId = frame.rid === undefined ? undefined : device.pending.get(frame.rid);
        if (frame.rid !== undefined) device.pending.delete(frame.rid);
        this.events.failed(local, messageId, frame.code);
        return;
      }
      default:
        // drained, pong: nothing to do.
        return;
    }
  }
}

function write(socket: ParleySocket, frame: ClientFrame): void {
  socket.ws.send(encodeClientFrame(frame));
}

async function challengeNonce(socket: ParleySocket): Promise<string> {
  const frame = await socket.next('challenge');
  if (frame.type !== 'challenge') throw new Error('expected a challenge');
  return frame.nonce;
}

function createIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // SPKI DER of an Ed25519 key is a fixed 12-byte header followed by the raw 32-byte key (RFC 8410).
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(12);
  return { privateKey, identityKey: raw.toString('base64') };
}

function signBase64(identity: Identity, bytes: Uint8Array): string {
  return sign(null, bytes, identity.privateKey).toString('base64');
}
