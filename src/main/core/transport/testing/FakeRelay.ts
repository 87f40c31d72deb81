// A scripted stand-in for the relay's socket in unit tests: records what the client writes and lets the test play
// the relay's side frame by frame. Test-only; nothing in the app imports it.
import { PROTOCOL_VERSION, decodeClientFrame, encodeServerFrame, type ClientFrame, type ServerFrame } from '../../../../shared/protocol';
import { toBase64 } from '../../../../shared/encoding/base64';
import type { RelaySocket, RelaySocketFactory, RelaySocketHandlers } from '../socket';

export const TEST_NONCE = toBase64(new Uint8Array(32).fill(9));

export class FakeSocket implements RelaySocket {
  readonly written: ClientFrame[] = [];
  closedByClient: { code: number; reason: string } | undefined;
  terminated = false;
  private gone = false;

  constructor(
    readonly url: string,
    private readonly handlers: RelaySocketHandlers,
  ) {}

  // ── the client's side ──
  send(bytes: Uint8Array): void {
    if (this.gone) return;
    const decoded = decodeClientFrame(bytes);
    if (!decoded.ok) throw new Error(`client wrote an invalid frame: ${decoded.error.message}`);
    this.written.push(decoded.frame);
  }

  close(code: number, reason: string): void {
    this.closedByClient = { code, reason };
    this.serverClose(code, reason);
  }

  terminate(): void {
    this.terminated = true;
    this.serverClose(1006, '');
  }

  // ── the relay's side ──
  get isGone(): boolean {
    return this.gone;
  }

  open(): void {
    this.handlers.onOpen();
  }

  push(frame: ServerFrame): void {
    this.raw(encodeServerFrame(frame));
  }

  raw(data: Uint8Array | string, binary = typeof data !== 'string'): void {
    if (!this.gone) this.handlers.onMessage(typeof data === 'string' ? new TextEncoder().encode(data) : data, binary);
  }

  challenge(version = PROTOCOL_VERSION): void {
    this.push({ type: 'challenge', version, nonce: TEST_NONCE, expiresInMs: 30_000 });
  }

  serverClose(code: number, reason = ''): void {
    if (this.gone) return;
    this.gone = true;
    this.handlers.onClose(code, reason);
  }

  failToConnect(code = 'ECONNREFUSED'): void {
    this.handlers.onError(Object.assign(new Error(`connect ${code}`), { code }));
    this.serverClose(1006);
  }

  /** Frames of one type the client wrote. */
  framesOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.written.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

export class FakeRelay {
  readonly sockets: FakeSocket[] = [];

  readonly factory: RelaySocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('the client opened no socket');
    return socket;
  }
}

/** Lets pending promise callbacks (e.g. the async signer) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Plays a successful open → challenge → auth → ready on the newest socket. */
export async function completeHandshake(relay: FakeRelay, user = 'alice', device = 1): Promise<FakeSocket> {
  const socket = relay.last;
  socket.open();
  socket.challenge();
  await flushMicrotasks();
  if (socket.framesOf('auth').length === 0) throw new Error('the client did not answer the challenge');
  socket.push({ type: 'ready', user, device, registered: false });
  return socket;
}
