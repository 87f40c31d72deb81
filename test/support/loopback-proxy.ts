// A TCP proxy on 127.0.0.1 (port 0) between a client and a relay, for network-failure tests. In `forward` mode it
// relays bytes and closes; blackhole() makes the network go silent: every current connection stops forwarding in
// both directions without closing either socket, and new connections are accepted but lead nowhere. forward()
// lets new connections through again (black-holed ones stay silent until their client gives up on them).
// setTarget() points new connections at another port, e.g. a relay restarted on a new port.
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
}

export async function startLoopbackProxy(target: { port: number; host?: string }): Promise<LoopbackProxy> {
  let targetPort = target.port;
  let targetHost = target.host ?? '127.0.0.1';
  let mode: ProxyMode = 'forward';
  let accepted = 0;
  const pairs = new Set<Pair>();

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
    client.on('data', (chunk) => {
      if (!pair.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.silent) client.write(chunk);
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
