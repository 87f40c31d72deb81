// A load-generator process: owns every generators-th device of the run, connects them through the system's
// driver, and on the parent's command runs a phase — open loop at a fixed rate, or closed loop with a bounded
// number of sends in flight per device — from random local devices to random other devices (anywhere in the
// run). It records send → ack and send → delivery latency on the shared clock, and, in bitmaps, which of its
// messages were acked and which messages from every generator arrived, so the parent can count losses exactly.
// Exits when its parent goes away.
import { randomBytes } from 'node:crypto';
import { LatencyHistogram } from './histogram';
import type { DeviceSlot, LoadDriver, LoadEvents } from './load-driver';
import {
  sharedNow,
  type GeneratorConfig,
  type GeneratorProgress,
  type GeneratorReply,
  type GeneratorReport,
  type GeneratorRequest,
  type PhaseSenderStats,
  type PhaseReceiverStats,
  type PhaseSpec,
} from './messages';
import { ParleyDriver } from './parley-driver';
import { RabbitMqDriver } from './rabbitmq-driver';
import { SocketIoDriver } from './socketio-driver';

/** How long a phase waits for answers to its last sends before counting them unanswered. */
const DRAIN_TIMEOUT_MS = 30_000;

class BitSet {
  bytes = new Uint8Array(1 << 16);

  /** Sets bit i; returns whether it was already set. */
  set(i: number): boolean {
    const byte = i >>> 3;
    if (byte >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, byte + 1));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const mask = 1 << (i & 7);
    const was = (this.bytes[byte]! & mask) !== 0;
    this.bytes[byte]! |= mask;
    return was;
  }
}

interface SenderState {
  stats: Omit<PhaseSenderStats, 'ackLatency'>;
  ackLatency: LatencyHistogram;
  outstanding: number;
}

interface ReceiverState {
  stats: Omit<PhaseReceiverStats, 'latency'>;
  latency: LatencyHistogram;
}

/** Digits of the send time (µs since the run's start) in message ids: 11 days. */
const ID_TIME_DIGITS = 12;

/**
 * Message ids carry what a receiver in another process needs: `${sentAtUs}_${phase}_${generator}_${seq}`, the send
 * time first and fixed-width, so that ids sort by time like the relay ids Parley's client makes (the relay's dedup
 * index relies on that for locality).
 */
interface ParsedId {
  phase: number;
  generator: number;
  seq: number;
  sentAt: number;
}

class Generator implements LoadEvents {
  private readonly driver: LoadDriver;
  private readonly globals: number[] = [];
  private readonly phases = new Map<number, PhaseSpec>();
  private readonly senders = new Map<number, SenderState>();
  private readonly receivers = new Map<number, ReceiverState>();
  private readonly ackedBits = new BitSet();
  private readonly deliveredBits: BitSet[];
  private nextSeq = 0;
  /** Devices connected so far: this.globals[0 … connected-1]. */
  private connected = 0;
  private outstanding = 0;
  /** The closed-loop phase currently refilling its window, if any. */
  private closedLoop: PhaseSpec | undefined;

  constructor(private readonly config: GeneratorConfig) {
    for (let g = config.generator; g < config.devices; g += config.generators) this.globals.push(g);
    this.deliveredBits = Array.from({ length: config.generators }, () => new BitSet());
    const payload = randomBytes(config.payloadBytes);
    this.driver =
      config.driver === 'socketio'
        ? new SocketIoDriver(config.urls, payload.toString('base64'), this)
        : config.driver === 'rabbitmq'
          ? new RabbitMqDriver(config.urls, config.runTag, payload, this)
          : new ParleyDriver(config.urls, config.runTag, payload, this);
  }

  async handle(request: GeneratorRequest): Promise<GeneratorReply> {
    switch (request.type) {
      case 'connect': {
        const started = sharedNow();
        const upTo = request.upTo ?? this.config.devices;
        const slots: DeviceSlot[] = [];
        for (let local = this.connected; local < this.globals.length && this.globals[local]! < upTo; local++) slots.push({ global: this.globals[local]!, local });
        await this.driver.connect(slots);
        this.connected += slots.length;
        return { id: request.id, type: 'connected', ms: sharedNow() - started, devices: this.connected };
      }
      case 'clock':
        return { id: request.id, type: 'clock', now: sharedNow() };
      case 'phase':
        await this.runPhase(request.phase);
        return { id: request.id, type: 'phaseSent', phase: request.phase.index };
      case 'progress':
        return { id: request.id, type: 'progress', progress: this.progress() };
      case 'report':
        return { id: request.id, type: 'report', report: this.report() };
      case 'close':
        await this.driver.close();
        return { id: request.id, type: 'closed' };
    }
  }

  // ── LoadEvents ──────────────────────────────────────────────────────────────

  acked(local: number, messageId: string): void {
    const id = parseId(messageId);
    const sender = this.senders.get(id.phase);
    if (sender === undefined) return;
    const now = sharedNow();
    this.answered(sender);
    sender.stats.acked += 1;
    if (this.ackedBits.set(id.seq)) sender.stats.errors.duplicate_ack = (sender.stats.errors.duplicate_ack ?? 0) + 1;
    const spec = this.phases.get(id.phase);
    if (spec !== undefined && id.sentAt >= spec.measureFrom && id.sentAt < spec.measureTo) sender.ackLatency.recordMs(now - id.sentAt);
    this.refill(local, id.phase, now);
  }

  failed(local: number, messageId: string | undefined, code: string): void {
    const phase = messageId === undefined ? this.latestPhase() : parseId(messageId).phase;
    const sender = this.senders.get(phase);
    if (sender === undefined) return;
    sender.stats.errors[code] = (sender.stats.errors[code] ?? 0) + 1;
    if (messageId === undefined) return;
    this.answered(sender);
    this.refill(local, phase, sharedNow());
  }

  delivered(_local: number, messageId: string): void {
    const now = sharedNow();
    const id = parseId(messageId);
    const receiver = this.receiverFor(id.phase);
    const bits = this.deliveredBits[id.generator];
    if (bits === undefined || bits.set(id.seq)) {
      receiver.stats.duplicates += 1;
      return;
    }
    receiver.stats.delivered += 1;
    const spec = this.phases.get(id.phase);
    if (spec === undefined) return;
    if (now >= spec.measureFrom && now < spec.measureTo) receiver.stats.deliveredInWindow += 1;
    if (id.sentAt >= spec.measureFrom && id.sentAt < spec.measureTo) receiver.latency.recordMs(now - id.sentAt);
  }

  // ── phases ──────────────────────────────────────────────────────────────────

  private async runPhase(spec: PhaseSpec): Promise<void> {
    this.phases.set(spec.index, spec);
    this.receiverFor(spec.index);
    const sender: SenderState = {
      stats: {
        phase: spec.index,
        sent: 0,
        acked: 0,
        errors: {},
        unanswered: 0,
        sentInWindow: 0,
        maxScheduleLagMs: 0,
        seqFrom: this.nextSeq,
        seqTo: this.nextSeq,
      },
      ackLatency: new LatencyHistogram(),
      outstanding: 0,
    };
    this.senders.set(spec.index, sender);
    await sleepUntil(spec.startAt);
    if (spec.mode === 'open') await this.openLoop(spec, sender);
    else await this.runClosedLoop(spec);
    sender.stats.seqTo = this.nextSeq;
    const deadline = sharedNow() + DRAIN_TIMEOUT_MS;
    while (sender.outstanding > 0 && sharedNow() < deadline) await sleep(20);
    sender.stats.unanswered = sender.outstanding;
  }

  /** Sends at this generator's share of the rate, catching up after any stall (open loop: never waits for answers). */
  private async openLoop(spec: PhaseSpec, sender: SenderState): Promise<void> {
    const perMs = spec.rate / this.config.generators / 1000;
    let sent = 0;
    for (;;) {
      const now = sharedNow();
      if (now >= spec.measureTo) return;
      const due = Math.floor((now - spec.startAt) * perMs);
      if (due > sent) {
        const lag = now - (spec.startAt + sent / perMs);
        if (lag > sender.stats.maxScheduleLagMs) sender.stats.maxScheduleLagMs = lag;
      }
      while (sent < due) {
        this.sendOne(spec, Math.floor(Math.random() * this.globals.length));
        sent += 1;
      }
      await sleep(1);
    }
  }

  private async runClosedLoop(spec: PhaseSpec): Promise<void> {
    this.closedLoop = spec;
    for (let i = 0; i < spec.window; i++) {
      for (let local = 0; local < this.globals.length; local++) this.sendOne(spec, local);
    }
    await sleepUntil(spec.measureTo);
    this.closedLoop = undefined;
  }

  /** Closed loop: an answered send from `local` makes room for its next one. */
  private refill(local: number, phase: number, now: number): void {
    const spec = this.closedLoop;
    if (spec === undefined || spec.index !== phase || now >= spec.measureTo) return;
    this.sendOne(spec, local);
  }

  private sendOne(spec: PhaseSpec, local: number): void {
    const sender = this.senders.get(spec.index);
    if (sender === undefined) return;
    const from = this.globals[local]!;
    let to = Math.floor(Math.random() * (this.config.devices - 1));
    if (to >= from) to += 1;
    const sentAt = sharedNow();
    const seq = this.nextSeq++;
    const sentAtUs = Math.round((sentAt - this.config.epochMs) * 1000);
    sender.stats.sent += 1;
    if (sentAt >= spec.measureFrom && sentAt < spec.measureTo) sender.stats.sentInWindow += 1;
    sender.outstanding += 1;
    this.outstanding += 1;
    this.driver.send(local, to, `${String(sentAtUs).padStart(ID_TIME_DIGITS, '0')}_${spec.index}_${this.config.generator}_${seq}`);
  }

  private answered(sender: SenderState): void {
    sender.outstanding -= 1;
    this.outstanding -= 1;
  }

  private receiverFor(phase: number): ReceiverState {
    let receiver = this.receivers.get(phase);
    if (receiver === undefined) {
      receiver = { stats: { phase, delivered: 0, duplicates: 0, deliveredInWindow: 0 }, latency: new LatencyHistogram() };
      this.receivers.set(phase, receiver);
    }
    return receiver;
  }

  private latestPhase(): number {
    return Math.max(-1, ...this.phases.keys());
  }

  private progress(): GeneratorProgress {
    const acked: Record<number, number> = {};
    const delivered: Record<number, number> = {};
    for (const [phase, sender] of this.senders) acked[phase] = sender.stats.acked;
    for (const [phase, receiver] of this.receivers) delivered[phase] = receiver.stats.delivered;
    return { acked, delivered, outstanding: this.outstanding };
  }

  private report(): GeneratorReport {
    return {
      senders: [...this.senders.values()].map((s) => ({ ...s.stats, ackLatency: s.ackLatency.toData() })),
      receivers: [...this.receivers.values()].map((r) => ({ ...r.stats, latency: r.latency.toData() })),
      ackedBits: this.ackedBits.bytes,
      deliveredBits: this.deliveredBits.map((bits) => bits.bytes),
    };
  }
}

/** The run's clock origin; message ids carry send times as µs since then. */
let epochMs = 0;

function parseId(messageId: string): ParsedId {
  const [sentAtUs, phase, generator, seq] = messageId.split('_').map(Number);
  return { phase: phase ?? -1, generator: generator ?? -1, seq: seq ?? -1, sentAt: epochMs + (sentAtUs ?? 0) / 1000 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - sharedNow();
  if (wait > 0) await sleep(wait);
}

function reply(message: GeneratorReply): void {
  process.send?.(message);
}

function main(): void {
  if (process.send === undefined) throw new Error('the generator runs as a child of bench/relay/run.ts');
  const config = JSON.parse(process.argv[2] ?? '') as GeneratorConfig;
  epochMs = config.epochMs;
  const generator = new Generator(config);
  process.on('message', (request: GeneratorRequest) => {
    generator.handle(request).then(
      (answer) => {
        reply(answer);
        if (answer.type === 'closed') setTimeout(() => process.exit(0), 100);
      },
      (error: unknown) =>
        reply({ id: request.id, type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(1));
}

main();
