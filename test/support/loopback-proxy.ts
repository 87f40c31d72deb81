// A TCP proxy on 127.0.0.1 (port 0) between a client and a relay, for network-failure tests. In `forward` mode it
// relays bytes and closes; blackhole() makes the network go silent: every current connection stops forwarding in
// both directions without closing either socket, and new connections are accepted but lead nowhere. forward()
// lets new connections through again (black-holed ones stay silent until their client gives up on them).
// setTarget() points new connections at another port, e.g. a relay restarted on a new port. setLatency() holds every
// chunk for that long in each direction (order kept), on current and new connections. holdFromClient() stops one
// connection's client-to-target bytes at the first chunk that matches (a command a test wants to arrive late) until
// the test releases them.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'blackhole';

export interface LoopbackProxy {
  readonly port: number;
  /** ws://127.0.0.1:<port> — the transport appends /v1/ws. */
  readonly url: string;
  readonly mode: ProxyMode;
  blackhole(): void;
  forward(): void;
  setTarget(port: number, host?: string): void;
  /** Milliseconds each chunk waits before it is passed on, both ways; 0 passes chunks at once. */
  setLatency(ms: number): void;
  readonly latencyMs: number;
  /**
   * Holds what a client sends from the first chunk `match` accepts (that chunk included, on that connection only)
   * until release(); `held` settles once a chunk is held. Every other byte flows as usual.
   */
  holdFromClient(match: (chunk: Buffer) => boolean): { held: Promise<void>; release(): void };
  /** Client connections currently open through the proxy (forwarding or black-holed). */
  connectionCount(): number;
  /** Connections accepted since start. */
  acceptedCount(): number;
  /** Destroys every current connection abruptly (like a reset), without changing the mode. */
  dropAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
  silent: boolean;
  /** Client chunks held by holdFromClient(), in order, while it holds this connection. */
  held?: Buffer[];
}

interface Hold {
  match: (chunk: Buffer) => boolean;
  /** The connection whose bytes it holds, once a chunk matched, and how they go on. */
  holding?: { pair: Pair; forward: (chunk: Buffer) => void };
  seen: () => void;
}

/** Writes chunks to `to` once `latency()` has passed since each arrived, in arrival order (one timer per direction). */
function delayedWriter(to: Socket, latency: () => number): (chunk: Buffer) => void {
  const queue: { at: number; chunk: Buffer }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && queue[0]!.at <= now) {
      const { chunk } = queue.shift()!;
      if (!to.destroyed) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.at - now);
  };
  return (chunk) => {
    const delay = latency();
    if (delay <= 0 && queue.length === 0) {
      to.write(chunk);
      return;
    }
    queue.push({ at: Date.now() + delay, chunk });
    timer ??= setTimeout(flush, Math.max(0, queue[0]!.at - Date.now()));
  };
}

export async function startLoopbackProxy(target: { port: number; host?: string }): Promise<LoopbackProxy> {
  let targetPort = target.port;
  let targetHost = target.host ?? '127.0.0.1';
  let mode: ProxyMode = 'forward';
  let latencyMs = 0;
  let accepted = 0;
  const pairs = new Set<Pair>();
  const holds = new Set<Hold>();

  const destroy = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const server: Server = createServer((client) => {
    accepted++;
    const pair: Pair = { client, upstream: undefined, silent: mode === 'blackhole' };
    pairs.add(pair);
    client.setNoDelay(true);
    client.on('error', () => destroy(pair));
    client.on('close', () => destroy(pair));
    if (pair.silent) {
      client.on('data', () => undefined); // swallowed: the network is silent
      return;
    }
    const upstream = connect({ port: targetPort, host: targetHost });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    const toUpstream = delayedWriter(upstream, () => latencyMs);
    const toClient = delayedWriter(client, () => latencyMs);
    client.on('data', (chunk: Buffer) => {
      if (pair.silent) return;
      if (pair.held !== undefined) return void pair.held.push(chunk);
      const hold = [...holds].find((h) => h.holding === undefined && h.match(chunk));
      if (hold === undefined) return toUpstream(chunk);
      pair.held = [chunk];
      hold.holding = { pair, forward: toUpstream };
      hold.seen();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.silent) toClient(chunk);
    });
    // While black-holed, the far side going away must stay invisible to the client, as on a dead network.
    upstream.on('error', () => {
      if (!pair.silent) destroy(pair);
    });
    upstream.on('close', () => {
      if (!pair.silent) destroy(pair);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    blackhole() {
      mode = 'blackhole';
      for (const pair of pairs) pair.silent = true;
    },
    forward() {
      mode = 'forward';
    },
    setTarget(newPort, host) {
      targetPort = newPort;
      if (host !== undefined) targetHost = host;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    get latencyMs() {
      return latencyMs;
    },
    holdFromClient(match) {
      let seen = () => {};
      const held = new Promise<void>((resolve) => (seen = resolve));
      const hold: Hold = { match, seen };
      holds.add(hold);
      return {
        held,
        release() {
          holds.delete(hold);
          if (hold.holding === undefined) return;
          const { pair, forward } = hold.holding;
          for (const chunk of pair.held ?? []) forward(chunk);
          delete pair.held;
        },
      };
    },
    connectionCount: () => pairs.size,
    acceptedCount: () => accepted,
    dropAll() {
      for (const pair of [...pairs]) destroy(pair);
    },
    close: async () => {
      for (const pair of [...pairs]) destroy(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
