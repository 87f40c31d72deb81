// Bench-side socket.io client: one socket.io connection per device (forceNew, or socket.io would multiplex them
// all over one), WebSocket transport only, emitting `msg` to a device id with an acknowledgement callback that
// mirrors Parley's `sent`, and receiving `msg` from the server. No auth: the peer server has none.
import { io, type Socket } from 'socket.io-client';
import { inBatches, urlOf, type DeviceSlot, type LoadDriver, type LoadEvents } from './load-driver';

const CONNECT_CONCURRENCY = 64;
const CONNECT_TIMEOUT_MS = 30_000;

interface ForwardedMessage {
  from: number;
  id: string;
  payload: string;
}

export class SocketIoDriver implements LoadDriver {
  private readonly sockets: Socket[] = [];
  private closing = false;

  constructor(
    private readonly urls: readonly string[],
    private readonly payload: string,
    private readonly events: LoadEvents,
  ) {}

  async connect(devices: readonly DeviceSlot[]): Promise<void> {
    await inBatches(devices, CONNECT_CONCURRENCY, async ({ global, local }) => {
      const socket = io(urlOf(this.urls, global), {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: CONNECT_TIMEOUT_MS,
        auth: { device: global },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.on('msg', (message: ForwardedMessage) => this.events.delivered(local, message.id));
      socket.on('disconnect', (reason) => {
        if (!this.closing) this.events.failed(local, undefined, `disconnected ${reason}`);
      });
      this.sockets[local] = socket;
    });
  }

  send(local: number, toGlobal: number, messageId: string): void {
    const socket = this.sockets[local];
    if (socket === undefined) throw new Error(`no socket for device ${local}`);
    socket.emit('msg', { to: toGlobal, id: messageId, payload: this.payload }, (ok: boolean) => {
      if (ok) this.events.acked(local, messageId);
      else this.events.failed(local, messageId, 'no_such_device');
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const socket of this.sockets) socket.disconnect();
  }
}
