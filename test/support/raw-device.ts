// A minimal protocol-v2 client for tests: one WebSocket, one Ed25519 identity (noble), and helpers to register,
// authenticate, send, await specific frames, collect deliveries and ack them. It decodes every frame the relay
// sends with the shared codec and records any that fail, so tests can assert the relay never sends an invalid
// frame. The relay packs several deliveries or send answers into one frame; tests see them one by one (a
// `deliver` event per envelope, a `sent` event per answer) and the wire frames in `frames`. Deliberately thin:
// tests that need malformed input write raw bytes themselves.
import { randomBytes, randomUUID } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import WebSocket from 'ws';
import { toBase64 } from '../../src/shared/encoding/base64';
import { utf8Encode } from '../../src/shared/encoding/utf8';
import {
  CLIENT_FRAME_CODES,
  authSigningBytes,
  decodeServerFrame,
  encodeClientFrame,
  registrationSigningBytes,
  type Address,
  type AuthFrame,
  type ChallengeFrame,
  type ClientFrame,
  type DeliveredEnvelope,
  type ErrorFrame,
  type ReadyFrame,
  type KnownDevice,
  type RegisterFrame,
  type SendFrame,
  type SendStatus,
  type ServerFrame,
} from '../../src/shared/protocol';

/** `ephemeral`, or `known`: a checked send knowing these devices. */
export interface SendFrameOptions {
  ephemeral?: boolean;
  known?: KnownDevice[];
  /** A cumulative ack carried by the send. */
  ackThrough?: number;
}

/** One envelope of a `deliver` frame. */
export type DeliverEvent = { type: 'deliver' } & DeliveredEnvelope;
/** One answer of a `sent` frame. */
export interface SentEvent {
  type: 'sent';
  rid: number;
  status: SendStatus;
  duplicate: boolean;
}
/** What tests wait for: the relay's frames, with `deliver` and `sent` frames split into their items. */
export type RelayEvent = Exclude<ServerFrame, { type: 'deliver' | 'sent' }> | DeliverEvent | SentEvent;

export interface DeviceIdentity {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  /** Base64 of publicKey, as sent in `register`. */
  identityKey: string;
}

export function createIdentity(): DeviceIdentity {
  const secretKey = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, identityKey: toBase64(publicKey) };
}

export function signWith(identity: DeviceIdentity, bytes: Uint8Array): string {
  return toBase64(ed25519.sign(bytes, identity.secretKey));
}

/** A fresh valid username (3–32 chars) unlikely to collide across tests. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export function newMessageId(): string {
  return randomUUID();
}

/** `bytes` random bytes. */
export function randomPayload(bytes = 32): Uint8Array {
  return new Uint8Array(randomBytes(bytes));
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** Thrown to waiters when the socket closes before the frame they wait for arrives. */
export class DeviceClosedError extends Error {
  constructor(readonly code: number, readonly reason: string) {
    super(`socket closed with ${code} ${reason}`);
    this.name = 'DeviceClosedError';
  }
}

type FrameOf<T extends RelayEvent['type']> = Extract<RelayEvent, { type: T }>;

interface Waiter {
  match: (frame: RelayEvent) => boolean;
  resolve: (frame: RelayEvent) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ConnectOptions {
  identity?: DeviceIdentity;
  /** Ack every delivery as soon as it arrives (one cumulative ack per deliver frame). */
  autoAck?: boolean;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export class RawDevice {
  /** Every valid frame received, in order (as on the wire). */
  readonly frames: ServerFrame[] = [];
  /** Every envelope delivered, in order. */
  readonly deliveries: DeliverEvent[] = [];
  /** Frames that failed to decode, as hex (should stay empty). */
  readonly invalidFrames: string[] = [];
  readonly closed: Promise<CloseInfo>;
  identity: DeviceIdentity;
  user: string | undefined;
  device = 1;
  autoAck: boolean;
  private challengeFrame: ChallengeFrame | undefined;
  private unconsumed: RelayEvent[] = [];
  private waiters: Waiter[] = [];
  private closeInfo: CloseInfo | undefined;
  private nextRid = 1;

  private constructor(readonly socket: WebSocket, options: ConnectOptions) {
    this.identity = options.identity ?? createIdentity();
    this.autoAck = options.autoAck ?? false;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new DeviceClosedError(code, reason.toString()));
        }
        resolve(this.closeInfo);
      });
    });
    socket.on('error', () => {
      // Surfaced through `closed`.
    });
    socket.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
  }

  /** Opens a socket and waits for the relay's challenge. */
  static async connect(url: string, options: ConnectOptions = {}): Promise<RawDevice> {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 8 * 1024 * 1024 });
    const device = new RawDevice(socket, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    device.challengeFrame = await device.next('challenge', { timeoutMs: options.timeoutMs });
    return device;
  }

  get challenge(): ChallengeFrame {
    if (this.challengeFrame === undefined) throw new Error('no challenge received yet');
    return this.challengeFrame;
  }

  get address(): Address {
    if (this.user === undefined) throw new Error('device has no user yet');
    return { user: this.user, device: this.device };
  }

  get closeStatus(): CloseInfo | undefined {
    return this.closeInfo;
  }

  /** A correctly signed register frame for this connection's challenge; fields may be overridden. */
  registerFrame(username: string, overrides: Partial<RegisterFrame> = {}): RegisterFrame {
    const nonce = overrides.nonce ?? this.challenge.nonce;
    const device = overrides.device ?? this.device;
    const identityKey = overrides.identityKey ?? this.identity.identityKey;
    const signature = signWith(this.identity, registrationSigningBytes(nonce, username, device, identityKey));
    return { type: 'register', nonce, username, device, identityKey, signature, ...overrides };
  }

  /** A correctly signed auth frame for this connection's challenge; fields may be overridden. */
  authFrame(user: string, overrides: Partial<AuthFrame> = {}): AuthFrame {
    const nonce = overrides.nonce ?? this.challenge.nonce;
    const device = overrides.device ?? this.device;
    const signature = signWith(this.identity, authSigningBytes(nonce, user, device));
    return { type: 'auth', nonce, user, device, signature, ...overrides };
  }

  async register(username: string, device = 1): Promise<ReadyFrame> {
    this.device = device;
    this.sendFrame(this.registerFrame(username));
    const ready = await this.next('ready');
    this.user = ready.user;
    return ready;
  }

  async auth(user = this.user, device = this.device): Promise<ReadyFrame> {
    if (user === undefined) throw new Error('auth needs a user');
    this.device = device;
    this.sendFrame(this.authFrame(user));
    const ready = await this.next('ready');
    this.user = ready.user;
    return ready;
  }

  sendFrame(frame: ClientFrame): void {
    this.socket.send(encodeClientFrame(frame));
  }

  /** A text message: protocol v2 refuses every one. */
  sendText(text: string): void {
    this.socket.send(text, { binary: false });
  }

  sendBinary(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  /** A rare frame with an arbitrary JSON body (for malformed-input tests). */
  sendRare(type: keyof typeof CLIENT_FRAME_CODES, body: unknown): void {
    this.sendBinary(new Uint8Array([CLIENT_FRAME_CODES[type], ...utf8Encode(JSON.stringify(body))]));
  }

  /** Sends a `send` frame and resolves with its answer (`sent` or `error`, matched by rid). */
  async send(to: Address | Address[], payload = randomPayload(), messageId = newMessageId(), options: SendFrameOptions = {}): Promise<SentEvent | ErrorFrame> {
    const rid = this.sendNoWait(to, payload, messageId, options);
    return this.answerTo(rid);
  }

  /** Sends a `send` frame without waiting; returns its rid. */
  sendNoWait(to: Address | Address[], payload = randomPayload(), messageId = newMessageId(), options: SendFrameOptions = {}): number {
    const rid = this.nextRid++;
    const frame: SendFrame = { type: 'send', rid, messageId, to: Array.isArray(to) ? to : [to], payload, ephemeral: options.ephemeral ?? false };
    if (options.known) frame.known = options.known;
    if (options.ackThrough !== undefined) frame.ackThrough = options.ackThrough;
    this.sendFrame(frame);
    return rid;
  }

  /** Resolves with the `sent` answer or `error` frame for `rid`. */
  answerTo(rid: number, timeoutMs?: number): Promise<SentEvent | ErrorFrame> {
    return this.nextMatching(
      (frame): frame is SentEvent | ErrorFrame => (frame.type === 'sent' || frame.type === 'error') && frame.rid === rid,
      timeoutMs,
    );
  }

  /** Sends and insists on `sent`. */
  async sendOk(to: Address | Address[], payload?: Uint8Array, messageId?: string): Promise<SentEvent> {
    const answer = await this.send(to, payload, messageId);
    if (answer.type !== 'sent') throw new Error(`expected sent, got error ${answer.code}: ${answer.message}`);
    return answer;
  }

  /** Sends a request built around a fresh rid; resolves with the relay's answer to it (any frame carrying that rid). */
  request(build: (rid: number) => ClientFrame, timeoutMs?: number): Promise<RelayEvent> {
    const rid = this.nextRid++;
    this.sendFrame(build(rid));
    // `sent` answers only sends (sendNoWait/answerTo); a fuzzed send may carry any rid.
    return this.nextMatching((frame) => frame.type !== 'sent' && 'rid' in frame && frame.rid === rid, timeoutMs);
  }

  async ping(): Promise<void> {
    const rid = this.nextRid++;
    this.sendFrame({ type: 'ping', rid });
    await this.nextMatching((frame) => frame.type === 'pong' && frame.rid === rid);
  }

  /** Acks these deliveries by number (a list above `through` 0). */
  ack(...seqs: number[]): void {
    this.sendFrame({ type: 'ack', through: 0, also: [...seqs].sort((a, b) => a - b) });
  }

  /** Acks every delivery up to `through`, and those in `also`. */
  ackThrough(through: number, also: number[] = []): void {
    this.sendFrame({ type: 'ack', through, also });
  }

  /** Consumes the next frame of `type` (optionally also matching `where`), waiting for it if needed. */
  next<T extends RelayEvent['type']>(
    type: T,
    options: { where?: (frame: FrameOf<T>) => boolean; timeoutMs?: number | undefined } = {},
  ): Promise<FrameOf<T>> {
    const where = options.where;
    return this.nextMatching(
      (frame): frame is FrameOf<T> => frame.type === type && (where === undefined || where(frame as FrameOf<T>)),
      options.timeoutMs,
    );
  }

  /** Waits until at least `count` deliveries have arrived on this connection; returns all of them. */
  async waitForDeliveries(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<DeliverEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveries.length < count) {
      if (this.closeInfo !== undefined) throw new DeviceClosedError(this.closeInfo.code, this.closeInfo.reason);
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.deliveries.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.deliveries;
  }

  /** Resolves with the close code and reason, failing if the socket stays open longer than `timeoutMs`. */
  async waitForClose(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CloseInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Frames received and not consumed by next()/answerTo(). */
  get pendingFrames(): readonly RelayEvent[] {
    return this.unconsumed;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000);
    await this.waitForClose().catch(() => this.socket.terminate());
  }

  private nextMatching<F extends RelayEvent>(match: (frame: RelayEvent) => frame is F, timeoutMs?: number): Promise<F>;
  private nextMatching(match: (frame: RelayEvent) => boolean, timeoutMs?: number): Promise<RelayEvent>;
  private nextMatching(match: (frame: RelayEvent) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RelayEvent> {
    const index = this.unconsumed.findIndex(match);
    if (index !== -1) return Promise.resolve(this.unconsumed.splice(index, 1)[0] as RelayEvent);
    if (this.closeInfo !== undefined) return Promise.reject(new DeviceClosedError(this.closeInfo.code, this.closeInfo.reason));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`no matching frame within ${timeoutMs} ms; unconsumed: ${this.describeUnconsumed()}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    const decoded = isBinary ? decodeServerFrame(data) : undefined;
    if (decoded === undefined || !decoded.ok) {
      this.invalidFrames.push(data.subarray(0, 200).toString(isBinary ? 'hex' : 'utf8'));
      return;
    }
    const frame = decoded.frame;
    this.frames.push(frame);
    if (frame.type === 'deliver') {
      const events = frame.deliveries.map((delivery): DeliverEvent => ({ type: 'deliver', ...delivery }));
      this.deliveries.push(...events);
      const last = frame.deliveries.filter((d) => d.seq > 0).at(-1);
      if (this.autoAck && last !== undefined) this.ackThrough(last.seq);
      for (const event of events) this.emit(event);
    } else if (frame.type === 'sent') {
      for (const answer of frame.answers) this.emit({ type: 'sent', ...answer, duplicate: answer.status === 'duplicate' });
    } else {
      this.emit(frame);
    }
  }

  private emit(frame: RelayEvent): void {
    const waiter = this.waiters.find((w) => w.match(frame));
    if (waiter !== undefined) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
      return;
    }
    this.unconsumed.push(frame);
  }

  private describeUnconsumed(): string {
    return JSON.stringify(this.unconsumed.slice(-5).map((f) => (f.type === 'error' ? `${f.type}:${f.code}` : f.type)));
  }
}

/** Connects and registers a new user (a fresh username unless given). */
export async function registeredDevice(url: string, username = uniqueUsername(), options: ConnectOptions = {}): Promise<RawDevice> {
  const device = await RawDevice.connect(url, options);
  await device.register(username);
  return device;
}

/** Opens a new connection for an existing device (same identity) and authenticates it. */
export async function reconnect(
  url: string,
  existing: Pick<RawDevice, 'identity' | 'address'>,
  options: Omit<ConnectOptions, 'identity'> = {},
): Promise<RawDevice> {
  const { user, device: deviceId } = existing.address;
  const device = await RawDevice.connect(url, { ...options, identity: existing.identity });
  await device.auth(user, deviceId);
  return device;
}
