// The peer the issue compares against: a minimal socket.io server doing the same direct routing as the relay —
// a map from device id to its socket, `msg` forwarded to the named device, the sender acked once it is handed
// to the recipient's socket. It stores nothing and authenticates no one. Run as a child of the bench; prints one
// `bench.listening` JSON line, binds 127.0.0.1 on a free port, and exits when its parent goes away.
// With BENCH_SOCKETIO_REDIS_URL it is one node of several (bench:scale): the official Redis Streams adapter carries
// broadcasts between nodes, each device joins a room of its own, and `msg` goes to that room wherever the device is
// connected; the sender is acked once the message is handed to the adapter (a node cannot know cheaply whether a
// device is connected elsewhere), so a message to a device that is connected nowhere is dropped silently.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';

interface OutgoingMessage {
  to: number;
  id: string;
  payload: string;
}

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
  maxHttpBufferSize: 256 * 1024,
});
const byDevice = new Map<number, Socket>();
const redisUrl = process.env.BENCH_SOCKETIO_REDIS_URL;
const redis = redisUrl === undefined || redisUrl === '' ? undefined : new Redis(redisUrl);
if (redis !== undefined) io.adapter(createAdapter(redis));
const room = (device: number) => `d${device}`;

io.on('connection', (socket) => {
  const device = Number((socket.handshake.auth as { device?: unknown }).device);
  if (!Number.isSafeInteger(device)) return void socket.disconnect(true);
  if (redis !== undefined) void socket.join(room(device));
  byDevice.get(device)?.disconnect(true);
  byDevice.set(device, socket);
  socket.on('msg', (message: OutgoingMessage, ack: unknown) => {
    if (typeof ack !== 'function') return;
    // The same shape check a developer would write; socket.io itself checks nothing.
    if (typeof message !== 'object' || message === null || typeof message.id !== 'string' || typeof message.payload !== 'string') {
      return void ack(false);
    }
    const forwarded = { from: device, id: message.id, payload: message.payload };
    if (redis !== undefined) {
      if (!Number.isSafeInteger(message.to)) return void ack(false);
      io.to(room(message.to)).emit('msg', forwarded);
      return void ack(true);
    }
    const target = byDevice.get(message.to);
    if (target === undefined) return void ack(false);
    target.emit('msg', forwarded);
    ack(true);
  });
  socket.on('disconnect', () => {
    if (byDevice.get(device) === socket) byDevice.delete(device);
  });
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'bench.listening', url: `http://127.0.0.1:${port}`, port })}\n`);
});

const stop = () => {
  void io.close();
  redis?.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
