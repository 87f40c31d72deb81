// One chaos run: Redis (AOF, appendfsync always) and N relay processes on it (PARLEY_STORE=redis, free loopback
// ports, own data dirs), each behind a TCP proxy that can add latency or drop connections. Clients are real cores
// (test/integration/messaging-harness.ts: crypto, sessions, outbox semantics, the renderer's dedup) whose relay
// setting lists every proxy, each client starting on a different one. Every client sends texts to the others, one
// in flight (with `groups`, every other text goes to a group of all clients instead: one send to several users'
// devices, the relay's multi-user path), retrying retryable failures with the same message id (as the app's outbox does), while the seeded
// schedule kills relays with -9 and restarts them, kills and restarts Redis, adds latency and drops connections.
// After the last step everything is restored, sending stops, and the run waits until every acknowledged message has
// reached its recipient's application or a deadline passes; then it counts lost, duplicated and reordered messages.
// Everything started is stopped and deleted, whatever happens.
import { rmSync } from 'node:fs';
import { startLoopbackProxy, type LoopbackProxy } from '../support/loopback-proxy';
import { startTestRedis, type TestRedis } from '../support/redis-server';
import { makeTempDir } from '../support/relay-harness';
import { spawnRelay, type RelayProcess } from '../support/relay-process';
import { sharedBlobs, type SharedBlobs } from '../support/shared-blobs';
import { TestUser, addContact, dm } from '../integration/messaging-harness';
import { waitFor } from '../integration/support';
import { chaosSchedule, describeFault, type Fault, type FaultKind } from './schedule';

export interface ChaosOptions {
  seed: number;
  relays: number;
  clients: number;
  /** Stop after this many steps (0: no limit). */
  steps: number;
  /** Stop starting steps after this many seconds (0: no limit). */
  durationS: number;
  minGap: number;
  maxGap: number;
  /** Every other text goes to a group of all the clients (created before the first fault). */
  groups: boolean;
  /** How long a client or the final delivery may take to come back before the run fails. */
  recoveryTimeoutMs: number;
  log?: (line: string) => void;
}

export interface InjectedFault {
  step: number;
  fault: Fault;
  /** Milliseconds since the run's traffic started. */
  atMs: number;
  /** From the fault taking effect (a kill: the signal; a restart: the relay listening) until every client had a send acknowledged again. */
  recoveryMs: number;
}

export interface ChaosReport {
  options: ChaosOptions;
  faults: InjectedFault[];
  /** Deliveries of messages the relay acknowledged (`sent`): one per recipient (a group message has several). */
  acknowledged: number;
  /** Those that reached the recipient's application (first arrivals). */
  delivered: number;
  lost: number;
  /** The same message handed to an application more than once. */
  duplicated: number;
  /** Messages that reached the recipient before one its sender sent earlier. */
  outOfOrder: number;
  /** Send attempts that failed with a retryable error and were retried. */
  retries: number;
  /** Sends that failed with an error that is not retryable (a bug: each is a message the app would show as failed). */
  failedSends: number;
  /** Relay exits nobody asked for. */
  unexpectedRelayExits: number;
  /** Milliseconds from the end of the schedule until every acknowledged message had arrived (or the deadline). */
  settleMs: number;
  durationMs: number;
}

interface Sent {
  id: string;
  conversationId: string;
  to: readonly TestUser[];
}

interface ChaosClient {
  user: TestUser;
  sent: Sent[];
  acks: number;
}

interface RelaySlot {
  process: RelayProcess | undefined;
  dataDir: string;
  proxy: LoopbackProxy;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const cleanups: (() => unknown)[] = [];
  let unexpectedRelayExits = 0;
  let stopping = false;
  try {
    const redis: TestRedis = await startTestRedis({ appendfsync: 'always' });
    cleanups.push(() => redis.stop());
    const blobs: SharedBlobs = sharedBlobs();
    cleanups.push(() => blobs.remove());

    const spawnOn = async (slot: RelaySlot) => {
      const relay = await spawnRelay({
        dataDir: slot.dataDir,
        startTimeoutMs: 60_000,
        env: { PARLEY_STORE: 'redis', PARLEY_REDIS_URL: redis.url, PARLEY_RELAY_RATE_PER_SECOND: '100000', PARLEY_RELAY_RATE_BURST: '100000', ...blobs.env },
      });
      slot.process = relay;
      slot.proxy.setTarget(relay.port);
      void relay.exited.then(() => {
        if (slot.process === relay && !stopping) {
          unexpectedRelayExits++;
          log(`relay on port ${relay.port} exited unexpectedly:\n${relay.output.slice(-5).join('\n')}`);
        }
      });
    };
    const slots: RelaySlot[] = [];
    for (let i = 0; i < options.relays; i++) {
      const dataDir = makeTempDir('parley-chaos-relay-');
      // Port 1 until the relay is up: nothing listens there, so a connection through the proxy fails at once.
      const proxy = await startLoopbackProxy({ port: 1 });
      const slot: RelaySlot = { process: undefined, dataDir, proxy };
      slots.push(slot);
      cleanups.push(async () => {
        await proxy.close();
        await slot.process?.stop();
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      });
    }
    await Promise.all(slots.map(spawnOn));
    log(`Redis on port ${redis.port} (appendonly yes, appendfsync always); relays on ports ${slots.map((s) => s.process!.port).join(', ')}`);

    const proxyUrls = slots.map((slot) => slot.proxy.url);
    const clients: ChaosClient[] = [];
    for (let i = 0; i < options.clients; i++) {
      // Client i starts on relay i (mod N) and fails over through the others in turn.
      const relayUrls = proxyUrls.map((_, k) => proxyUrls[(i + k) % proxyUrls.length]!);
      const user = await TestUser.create(relayUrls[0]!, `chaos${i}`);
      cleanups.push(() => rmSync(user.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
      cleanups.push(() => user.close());
      await user.call('account.setRelayUrls', { relayUrls });
      clients.push({ user, sent: [], acks: 0 });
    }
    for (const a of clients) for (const b of clients) if (a !== b) await addContact(a.user, b.user);
    log(`${clients.length} clients, each with every relay in its settings`);
    let groupConversation: string | undefined;
    if (options.groups) {
      const [creator, ...members] = clients;
      const group = await creator!.user.callRetrying('groups.create', { name: 'Chaos', members: members.map((c) => c.user.username) });
      for (const member of members) {
        await waitFor(() => member.user.groupEvents.some((e) => e.group.groupId === group.groupId), `${member.user.username} to learn of the group`, options.recoveryTimeoutMs);
      }
      groupConversation = `group:${group.groupId}`;
      log(`group ${group.groupId} of all ${clients.length} clients: every other text goes to it`);
    }

    let retries = 0;
    let failedSends = 0;
    const send = async (client: ChaosClient, n: number) => {
      const others = clients.filter((c) => c !== client);
      const toGroup = groupConversation !== undefined && n % 2 === 1;
      const to = toGroup ? others.map((c) => c.user) : [others[n % others.length]!.user];
      const conversationId = toGroup ? groupConversation! : dm(to[0]!);
      const messageId = `${client.user.username}-${n}`;
      const request = { conversationId, messageId, content: { kind: 'text' as const, body: `chaos ${messageId}` } };
      const deadline = Date.now() + options.recoveryTimeoutMs;
      for (let attempt = 0; ; attempt++) {
        const result = await client.user.core.dispatch('messages.send', request, { trusted: true });
        if (result.ok) {
          client.sent.push({ id: messageId, conversationId, to });
          client.acks++;
          return;
        }
        if (!result.error.retryable || Date.now() > deadline) {
          failedSends++;
          log(`send ${messageId} failed: ${result.error.code} ${result.error.message}`);
          return;
        }
        retries++;
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** Math.min(attempt, 5))));
      }
    };
    const sending = clients.map(async (client) => {
      for (let n = 0; !stopping; n++) await send(client, n);
    });
    const totalAcks = () => clients.reduce((sum, c) => sum + c.acks, 0);

    const started = Date.now();
    const faults: InjectedFault[] = [];
    /** Injects the fault; returns the moment it took effect (a kill: the signal; a restart: the relay listening). */
    const inject = async (fault: Fault): Promise<number> => {
      const slot = 'relay' in fault ? slots[fault.relay]! : undefined;
      if (fault.kind === 'kill-relay') {
        const relay = slot!.process!;
        slot!.process = undefined;
        relay.kill('SIGKILL');
        const at = Date.now();
        await relay.exited;
        return at;
      }
      if (fault.kind === 'restart-relay') await spawnOn(slot!);
      else if (fault.kind === 'restart-redis') {
        const at = Date.now();
        await redis.restart();
        return at;
      } else if (fault.kind === 'latency') slot!.proxy.setLatency(fault.ms);
      else slot!.proxy.dropAll();
      return Date.now();
    };
    const schedule = chaosSchedule({ seed: options.seed, relays: options.relays, minGap: options.minGap, maxGap: options.maxGap });
    try {
      for (let step = 1; ; step++) {
        if (options.steps > 0 && step > options.steps) break;
        if (options.durationS > 0 && Date.now() - started >= options.durationS * 1000) break;
        const { afterAcks, fault } = schedule.next().value;
        const target = totalAcks() + afterAcks;
        await waitFor(() => totalAcks() >= target || failedSends > 0, `${target} acknowledged sends before step ${step}`, options.recoveryTimeoutMs, 2);
        if (failedSends > 0) break;
        const acksBefore = clients.map((c) => c.acks);
        const at = await inject(fault);
        await waitFor(
          () => clients.every((c, i) => c.acks > acksBefore[i]!) || failedSends > 0,
          `every client to have a send acknowledged after "${describeFault(fault)}"`,
          options.recoveryTimeoutMs,
          2,
        );
        const injected = { step, fault, atMs: at - started, recoveryMs: Date.now() - at };
        faults.push(injected);
        log(`step ${step} at ${(injected.atMs / 1000).toFixed(1)} s: ${describeFault(fault)} — every client acknowledged again after ${injected.recoveryMs} ms`);
      }
    } finally {
      // Restore whatever is still down or slowed, and let every client finish the send it has in flight.
      for (const slot of slots) {
        slot.proxy.setLatency(0);
        if (slot.process === undefined) await spawnOn(slot);
      }
      stopping = true;
      await Promise.all(sending);
    }

    const scheduleEnded = Date.now();
    /** Recipients the message has not reached yet. */
    const notArrived = (sender: ChaosClient, message: Sent) => {
      const own = message.conversationId === groupConversation ? message.conversationId : dm(sender.user);
      return message.to.filter((recipient) => !recipient.stored.has(`${own}/${message.id}/${sender.user.username}`)).length;
    };
    const missing = () => clients.reduce((sum, c) => sum + c.sent.reduce((n, m) => n + notArrived(c, m), 0), 0);
    await waitFor(() => missing() === 0, 'every acknowledged message to arrive', options.recoveryTimeoutMs).catch(() => undefined);
    const settleMs = Date.now() - scheduleEnded;

    const acknowledged = clients.reduce((sum, c) => sum + c.sent.reduce((n, m) => n + m.to.length, 0), 0);
    const lost = missing();
    const duplicated = clients.reduce((sum, c) => sum + c.user.duplicates, 0);
    let outOfOrder = 0;
    for (const sender of clients) {
      for (const recipient of clients) {
        if (recipient === sender) continue;
        // Per conversation as the recipient sees it: the DM with the sender, and the group.
        for (const conversationId of groupConversation === undefined ? [dm(sender.user)] : [dm(sender.user), groupConversation]) {
          const sentTo = (m: Sent) => m.to.includes(recipient.user) && (m.conversationId === groupConversation) === (conversationId === groupConversation);
          const sentOrder = sender.sent.filter(sentTo).map((m) => m.id);
          const arrival = recipient.user.conversation(conversationId).filter((m) => m.sender.user === sender.user.username).map((m) => m.messageId);
          const position = new Map(sentOrder.map((id, i) => [id, i]));
          let highest = -1;
          for (const id of arrival) {
            const p = position.get(id);
            if (p === undefined) continue;
            if (p < highest) outOfOrder++;
            highest = Math.max(highest, p);
          }
        }
      }
    }
    return {
      options,
      faults,
      acknowledged,
      delivered: acknowledged - lost,
      lost,
      duplicated,
      outOfOrder,
      retries,
      failedSends,
      unexpectedRelayExits,
      settleMs,
      durationMs: Date.now() - started,
    };
  } finally {
    stopping = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup failed: ${String(error)}`);
      }
    }
  }
}

/** Fault kinds the run injected, each with how many times. */
export function faultCounts(faults: readonly InjectedFault[]): Map<FaultKind, number> {
  const counts = new Map<FaultKind, number>();
  for (const { fault } of faults) counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + 1);
  return counts;
}
