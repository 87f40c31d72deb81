// The fault schedule of a chaos run, derived from a seed alone: the same seed gives the same steps in the same order,
// on any machine and under any load. A step waits for a number of further acknowledged sends (progress, not time),
// then injects one fault. The generator tracks which relays are down and which proxies add latency, so it never
// kills the last relay standing and always brings back what it took down.

export type Fault =
  | { kind: 'kill-relay'; relay: number }
  | { kind: 'restart-relay'; relay: number }
  | { kind: 'restart-redis' }
  | { kind: 'latency'; relay: number; ms: number }
  | { kind: 'drop-connections'; relay: number };

export type FaultKind = Fault['kind'];

export interface Step {
  /** Acknowledged sends (all clients together) to wait for after the previous step recovered. */
  afterAcks: number;
  fault: Fault;
}

export const FAULT_LABELS: Record<FaultKind, string> = {
  'kill-relay': 'kill -9 relay',
  'restart-relay': 'restart relay',
  'restart-redis': 'kill -9 + restart Redis',
  latency: 'latency on/off',
  'drop-connections': 'drop connections',
};

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'kill-relay':
      return `kill -9 relay ${fault.relay}`;
    case 'restart-relay':
      return `restart relay ${fault.relay}`;
    case 'restart-redis':
      return 'kill -9 Redis, restart on its AOF';
    case 'latency':
      return fault.ms === 0 ? `latency off at relay ${fault.relay}'s proxy` : `${fault.ms} ms latency at relay ${fault.relay}'s proxy`;
    case 'drop-connections':
      return `drop every connection through relay ${fault.relay}'s proxy`;
  }
}

/** mulberry32: a small, well-mixed 32-bit generator; uniform floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ScheduleOptions {
  seed: number;
  relays: number;
  /** Acknowledged sends between two steps: from min to max, inclusive. */
  minGap: number;
  maxGap: number;
}

/** An endless schedule; take as many steps as the run lasts. */
export function* chaosSchedule(options: ScheduleOptions): Generator<Step, never> {
  if (options.relays < 2) throw new Error('a chaos run needs at least two relays (one must stay up while another is down)');
  const random = seededRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const relays = Array.from({ length: options.relays }, (_, i) => i);
  const down = new Set<number>();
  const slowed = new Set<number>();
  for (;;) {
    const afterAcks = int(options.minGap, options.maxGap);
    const up = relays.filter((r) => !down.has(r));
    const choices: FaultKind[] = ['restart-redis', 'latency', 'drop-connections'];
    if (up.length >= 2) choices.push('kill-relay', 'kill-relay');
    if (down.size > 0) choices.push('restart-relay', 'restart-relay');
    // Two relays down of three leaves one carrying everyone: bring one back before anything else.
    const kind: FaultKind = down.size > 0 && up.length === 1 ? 'restart-relay' : pick(choices);
    let fault: Fault;
    if (kind === 'kill-relay') {
      fault = { kind, relay: pick(up) };
      down.add(fault.relay);
    } else if (kind === 'restart-relay') {
      fault = { kind, relay: pick([...down].sort()) };
      down.delete(fault.relay);
    } else if (kind === 'latency') {
      const relay = pick(relays);
      fault = { kind, relay, ms: slowed.has(relay) ? 0 : int(20, 250) };
      if (fault.ms === 0) slowed.delete(relay);
      else slowed.add(relay);
    } else if (kind === 'drop-connections') {
      fault = { kind, relay: pick(up) };
    } else {
      fault = { kind: 'restart-redis' };
    }
    yield { afterAcks, fault };
  }
}

/** The first `count` steps of a schedule. */
export function firstSteps(options: ScheduleOptions, count: number): Step[] {
  const steps: Step[] = [];
  const schedule = chaosSchedule(options);
  while (steps.length < count) steps.push(schedule.next().value);
  return steps;
}
