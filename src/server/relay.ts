// Composition root of the relay: opens the store, wires the group-commit writer to live connections, serves
// HTTP and the WebSocket endpoint, and shuts everything down in order. Other programs and tests start a relay
// in-process through startRelay(); `npm run relay` (main.ts) is a thin wrapper around it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, RELAY_WS_PATH, addressKey, type Address } from '../shared/protocol';
import { NonceRegistry } from './auth/nonce-registry';
import { isBlobPath } from './blobs/blob-http';
import { openBlobStore, type BlobStore } from './blobs/blob-store';
import { validateRelayConfig, type RelayConfig } from './config';
import type { DeviceBus } from './cluster/device-bus';
import { UnauthenticatedConnections } from './connection/admission';
import { DeviceConnection, type ConnectionContext } from './connection/device-connection';
import { OnlineDevices } from './connection/online-devices';
import { LinkedDevices } from './devices/linked-devices';
import { ProvisioningRegistry } from './devices/provisioning-registry';
import { createHttpHandler, pathOf } from './http/health';
import { TokenBucketLimiter } from './limits/rate-limiter';
import { createJsonLogger, errorFields, type Logger } from './log';
import { GroupCommitWriter } from './mailbox/group-commit-writer';
import { Maintenance } from './maintenance';
import { MeteredStore } from './metrics/metered-store';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server';
import { RelayMetrics } from './metrics/relay-metrics';
import { PrekeyDirectory } from './prekeys/prekey-directory';
import { openRelayStore, type OpenedStore } from './store/open-relay-store';
import type { RelayStore } from './store/relay-store';
import { RELAY_VERSION } from './version';

export interface Relay {
  /** ws://host:port/v1/ws */
  url: string;
  /** http://host:port */
  httpUrl: string;
  port: number;
  dataDir: string;
  /** The blob store: HTTP endpoints under /v1/blobs, the access rules its WebSocket frames use, its collector. */
  blobs: BlobStore;
  /** Authenticated devices with a live connection. */
  connectedDevices(): number;
  /** http://host:port/metrics, unless metrics are off or their port was taken. */
  metricsUrl?: string;
  /** Stops accepting, commits pending writes, closes sockets with 1001, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface RelayOptions {
  /** Defaults to JSON lines on stdout at config.logLevel. */
  logger?: Logger;
  /** Defaults to the store config.store names; the relay closes whichever store it uses. */
  store?: RelayStore;
  now?: () => number;
}

/**
 * ws cuts messages above this with close code 1009 before they reach us; between MAX_FRAME_BYTES and this,
 * the relay answers `frame_too_large` itself.
 */
const WS_MAX_PAYLOAD = 4 * MAX_FRAME_BYTES;

export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  validateRelayConfig(config);
  const logger = options.logger ?? createJsonLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const opened: OpenedStore = options.store === undefined ? await openRelayStore(config, logger) : { store: options.store };
  /** The devices this node holds a live connection of, for the backlog gauge. */
  const held = new Map<string, Address>();
  let bus: DeviceBus | undefined;
  const online = new OnlineDevices<DeviceConnection>({
    claimed: (address) => {
      held.set(addressKey(address), address);
      // Not listening after a failure: the bus wakes every connection once its subscriber is back.
      return bus?.claim(address).catch((error: unknown) => logger.warn('relay.device_claim_failed', errorFields(error)));
    },
    released: (address) => {
      held.delete(addressKey(address));
      bus?.release(address);
    },
  });
  const metrics = new RelayMetrics(config.store, {
    connectedDevices: () => online.size,
    unackedDeliveries: () => {
      let unacked = 0;
      for (const connection of online.all()) unacked += connection.unacked;
      return unacked;
    },
    connectedBacklog: async () => {
      const counts = await Promise.all([...held.values()].map((device) => opened.store.pendingCount(device)));
      return counts.reduce((sum, count) => sum + count, 0);
    },
  });
  const store = new MeteredStore(opened.store, metrics);
  const startedAt = now();

  const connections = new Set<DeviceConnection>();
  const nonces = new NonceRegistry(config.nonceTtlMs, now);
  const rateLimiter = new TokenBucketLimiter(config.rateLimitPerSecond, config.rateLimitBurst, now);
  const writer = new GroupCommitWriter(store, {
    gatherMs: config.commitGatherMs,
    maxBatch: config.commitMaxBatch,
    mailboxQuota: config.mailboxQuota,
    now,
    logger,
    ...(opened.commitOverlap === undefined ? {} : { overlap: opened.commitOverlap }),
    onCommitted: (deliveries) => {
      const elsewhere: typeof deliveries = [];
      for (const committed of deliveries) {
        const local = online.get(committed.recipient);
        if (local !== undefined) local.offer(committed.delivery);
        else if (bus !== undefined) elsewhere.push(committed);
      }
      if (elsewhere.length > 0) bus?.delivered(elsewhere);
    },
  });
  const prekeys = new PrekeyDirectory({ store, config, now, logger, push: (device, frame) => online.get(device)?.push(frame) });
  let blobs: BlobStore;
  try {
    bus = await opened.openBus?.({
      delivered: (device, stored) => {
        const connection = online.get(device);
        for (const delivery of stored) connection?.offer(delivery);
      },
      wake: (device) => online.get(device)?.wake(),
      replaced: (device) => online.get(device)?.closeWith('replaced'),
      resubscribed: () => {
        for (const connection of online.all()) connection.wake();
      },
      ephemeral: (device, delivery) => online.get(device)?.pushEphemeral(delivery),
      provisioned: (address, message) => provisioning.received(address, message),
    });
    blobs = await openBlobStore(config, { now, logger, ...(opened.blobIndex ? { index: opened.blobIndex } : {}) });
  } catch (error) {
    await bus?.close();
    await store.close();
    throw error;
  }
  const provisioning = new ProvisioningRegistry<DeviceConnection>(bus === undefined ? undefined : { via: bus, ttlMs: config.provisioningTtlMs });
  const devices = new LinkedDevices({
    store,
    provisioning,
    blobs: blobs.access,
    disconnect: (device) => online.get(device)?.closeWith('deviceRemoved'),
    now,
    logger,
  });
  const context: ConnectionContext = {
    config,
    store,
    writer,
    nonces,
    online,
    rateLimiter,
    prekeys,
    blobs: blobs.access,
    devices,
    provisioning,
    logger,
    metrics,
    now,
    forwardEphemeral: (devices, delivery) => bus?.ephemeral(devices, delivery),
  };
  const health = createHttpHandler(() => ({
    version: RELAY_VERSION,
    protocol: PROTOCOL_VERSION,
    uptimeSeconds: Math.floor((now() - startedAt) / 1000),
    connectedDevices: online.size,
  }));
  const unauthenticated = new UnauthenticatedConnections({ total: config.maxUnauthenticated, perAddress: config.maxUnauthenticatedPerAddress });
  const server = createServer(
    // A connection must finish its request headers (an upgrade's too) in time; checked every second, not every 30 s.
    { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs) },
    (request, response) => {
      unauthenticated.release(request.socket);
      const path = pathOf(request.url);
      if (isBlobPath(path)) return blobs.handle(request, response, path);
      health(request, response);
    },
  );
  server.on('connection', (socket: Socket) => {
    if (unauthenticated.admit(socket)) return;
    logger.debug('relay.connection_refused', { reason: 'too_many_unauthenticated' });
    socket.destroy();
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false, clientTracking: false });
  const sockets = new Set<WebSocket>();
  let nextConnectionId = 1;
  let closing = false;

  server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
    if (closing) return refuseUpgrade(socket, 503, 'Service Unavailable');
    if (pathOf(request.url) !== RELAY_WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (closing) return ws.terminate();
      sockets.add(ws);
      const connection = new DeviceConnection(ws, socket, nextConnectionId++, context, () => unauthenticated.release(socket as Socket));
      connections.add(connection);
      ws.on('close', () => {
        sockets.delete(ws);
        connections.delete(connection);
      });
    });
  });
  server.on('clientError', (_error, socket: Duplex) => socket.destroy());

  const maintenance = new Maintenance({
    sweepMemory: () => {
      nonces.prune();
      rateLimiter.prune();
      prekeys.prune();
    },
    heartbeat: () => {
      for (const connection of connections) connection.heartbeat();
    },
    store,
    dedupRetentionMs: config.dedupRetentionMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    now,
    logger,
  });

  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    await blobs.close();
    await bus?.close();
    await store.close();
    throw error;
  }
  const metricsServer = await startMetricsOrWarn(metrics, config, logger);
  maintenance.start();
  blobs.collector.start();
  const port = (server.address() as AddressInfo).port;
  const authority = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await maintenance.stop();
    for (const connection of connections) connection.stopReading();
    await writer.close();
    for (const connection of connections) connection.closeWith('goingAway');
    await waitUntilEmpty(sockets, config.shutdownGraceMs);
    for (const connection of connections) connection.terminate();
    for (const socket of sockets) socket.terminate();
    server.closeAllConnections();
    await serverClosed;
    await metricsServer?.close();
    await blobs.close();
    await bus?.close();
    await store.close();
  };

  return {
    url: `ws://${authority}${RELAY_WS_PATH}`,
    httpUrl: `http://${authority}`,
    port,
    dataDir: config.dataDir,
    blobs,
    connectedDevices: () => online.size,
    ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
    close: () => (closed ??= close()),
  };
}

/** Metrics are for the operator, not the devices: a taken port is logged, never a reason not to serve. */
async function startMetricsOrWarn(metrics: RelayMetrics, config: RelayConfig, logger: Logger): Promise<MetricsServer | undefined> {
  if (config.metricsPort === null) return undefined;
  try {
    const server = await startMetricsServer(metrics, config.metricsHost, config.metricsPort);
    logger.info('relay.metrics_listening', { url: server.url });
    return server;
  } catch (error) {
    logger.warn('relay.metrics_unavailable', { port: config.metricsPort, ...errorFields(error) });
    return undefined;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Resolves when `set` is empty or after `timeoutMs`, whichever comes first. */
async function waitUntilEmpty(set: ReadonlySet<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (set.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
