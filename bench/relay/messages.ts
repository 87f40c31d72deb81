// What the bench parent and its load-generator processes say to each other over the IPC channel (advanced
// serialization, so typed arrays cross as they are). Every request carries an id; the generator answers with
// the same id.
import type { HistogramData } from './histogram';
import type { DriverName } from './load-driver';

/** Passed to a generator as its only argument (JSON). */
export interface GeneratorConfig {
  generator: number;
  generators: number;
  /** Which protocol the generator speaks. */
  driver: DriverName;
  /** The system's servers; device g talks to urls[g % urls.length]. */
  urls: string[];
  devices: number;
  payloadBytes: number;
  /** Prefix that makes this run's usernames unique. */
  runTag: string;
  /** Bench clock origin (ms on the shared clock); send times travel as µs since then. */
  epochMs: number;
}

export interface PhaseSpec {
  index: number;
  name: string;
  /** open: send at `rate` (aggregate, shared by all generators); closed: `window` sends in flight per device. */
  mode: 'open' | 'closed';
  rate: number;
  window: number;
  /** Shared-clock ms: load starts, measurement starts, load stops. */
  startAt: number;
  measureFrom: number;
  measureTo: number;
}

export type GeneratorRequest =
  /** Connects this generator's devices whose global index is below `upTo` (all when absent) and not yet connected. */
  | { id: number; type: 'connect'; upTo?: number }
  | { id: number; type: 'clock' }
  | { id: number; type: 'phase'; phase: PhaseSpec }
  | { id: number; type: 'progress' }
  | { id: number; type: 'report' }
  | { id: number; type: 'close' };

export interface PhaseSenderStats {
  phase: number;
  sent: number;
  acked: number;
  errors: Record<string, number>;
  /** Sends never answered within the drain timeout. */
  unanswered: number;
  sentInWindow: number;
  /** send → `sent` (Parley) / send → ack callback (socket.io), for sends inside the window. */
  ackLatency: HistogramData;
  /** How far the open-loop schedule fell behind, worst case (generator saturation). */
  maxScheduleLagMs: number;
  /** This generator's seqs used in this phase: [from, to). */
  seqFrom: number;
  seqTo: number;
}

export interface PhaseReceiverStats {
  phase: number;
  delivered: number;
  duplicates: number;
  /** Deliveries whose arrival fell inside the window. */
  deliveredInWindow: number;
  /** send → recipient receives, for messages sent inside the window. */
  latency: HistogramData;
}

export interface GeneratorReport {
  senders: PhaseSenderStats[];
  receivers: PhaseReceiverStats[];
  /** Bit i set: this generator's seq i was acked. */
  ackedBits: Uint8Array;
  /** Per origin generator: bit i set when that generator's seq i was delivered here. */
  deliveredBits: Uint8Array[];
}

export interface GeneratorProgress {
  /** Per phase index: acked sends (as sender), delivered messages (as receiver). */
  acked: Record<number, number>;
  delivered: Record<number, number>;
  outstanding: number;
}

export type GeneratorReply =
  /** `devices`: how many of this generator's devices are connected now. */
  | { id: number; type: 'connected'; ms: number; devices: number }
  | { id: number; type: 'clock'; now: number }
  | { id: number; type: 'phaseSent'; phase: number }
  | { id: number; type: 'progress'; progress: GeneratorProgress }
  | { id: number; type: 'report'; report: GeneratorReport }
  | { id: number; type: 'closed' }
  | { id: number; type: 'failed'; message: string };

/** The one clock every process of the bench reads: wall-clock based, sub-millisecond resolution. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
