// bench:scale in miniature: three relay processes on one Redis and three socket.io nodes on the Redis Streams adapter,
// a handful of devices spread over the nodes sending to random others (so most messages cross nodes), connected in
// capacity steps, and the report built from those runs. Checks that the bench measures what it says — every acked
// message delivered, Redis work counted, memory read per step — not how fast anything is.
import { describe, expect, it } from 'vitest';
import { parseOptions, type ScaleOptions } from '../../bench/scale/options';
import { parseCounters } from '../../bench/scale/redis-counters';
import { runScaleSystem } from '../../bench/scale/scale-run';
import { commandMix, renderScaleReport, scaleGoal, type ScaleRun } from '../../bench/scale/table';
import { machineInfo } from '../../bench/relay/machine';

function tinyOptions(): ScaleOptions {
  const options = parseOptions([
    '--quick',
    '--capacity=6',
    '--capacity-step=3',
    '--capacity-rate=20',
    '--capacity-duration=0.5',
    '--devices=6',
    '--rate=30',
    '--duration=0.5',
    '--max-duration=0.5',
    '--warmup=0.2',
    '--window=1',
    '--payload=64',
    '--systems=parley-redis,socketio-redis',
  ]);
  if (options === undefined) throw new Error('no options');
  return options;
}

const quiet = () => {};

describe('bench:scale', () => {
  it('reads Redis command counts and CPU from INFO, leaving out its own INFO calls', () => {
    const counters = parseCounters(
      '# Commandstats\r\ncmdstat_evalsha:calls=7,usec=1\r\ncmdstat_info:calls=99,usec=1\r\ncmdstat_xadd:calls=3,usec=1\r\n',
      '# CPU\r\nused_cpu_sys:1.25\r\nused_cpu_user:0.5\r\n',
    );
    expect(counters).toEqual({ 'redis.calls.evalsha': 7, 'redis.calls.xadd': 3, 'redis.calls': 10, 'redis.cpuSeconds': 1.75 });
  });

  it('--quick gives small defaults that flags still override', () => {
    const quick = parseOptions(['--quick', '--devices=50']);
    expect(quick).toMatchObject({ quick: true, devices: 50, capacity: 600, repetitions: 1 });
    expect(parseOptions([])).toMatchObject({ quick: false, devices: 1000, capacity: 10_000, nodes: 3, serverNodeArgs: [] });
  });

  it('--server-node-args hands node flags to every server process', () => {
    expect(parseOptions(['--server-node-args=--cpu-prof --cpu-prof-dir=/tmp/p'])?.serverNodeArgs).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
  });

  it('carries every acked message across three relays on Redis and three socket.io nodes, and reports both', async () => {
    const options = tinyOptions();
    // Parley on Redis through both phases of a throughput run; socket.io through a capacity run (steps, one phase).
    const runs: ScaleRun[] = [await runScaleSystem('parley-redis', options, 1, quiet), await runScaleSystem('socketio-redis', options, 0, quiet)];
    for (const run of runs) {
      expect(run.connectError).toBeUndefined();
      expect(run.phases.map((p) => p.name)).toEqual(run.repetition === 0 ? ['rate'] : ['rate', 'max']);
      for (const phase of run.phases) {
        expect(phase.acked).toBeGreaterThan(0);
        expect({ system: run.system, phase: phase.name, lost: phase.lost, errors: phase.errors, unanswered: phase.unanswered }).toEqual({
          system: run.system,
          phase: phase.name,
          lost: 0,
          errors: {},
          unanswered: 0,
        });
        expect(phase.counters['redis.calls']).toBeGreaterThan(0);
      }
    }
    const capacity = runs.filter((r) => r.repetition === 0);
    expect(capacity.map((run) => run.connectSteps.map((s) => s.devices))).toEqual([[0, 3, 6]]);
    expect(capacity[0]!.connectSteps.every((s) => s.rssMiB !== undefined && s.rssMiB > 0)).toBe(true);
    // Parley's sends are scripts; socket.io's adapter appends to its stream.
    expect(commandMix(runs.filter((r) => r.system === 'parley-redis')).map(([name]) => name)).toContain('evalsha');
    expect(capacity[0]?.phases[0]?.counters['redis.calls.xadd']).toBeGreaterThan(0);

    const report = renderScaleReport(runs, options, machineInfo(), [0, 0, 0]);
    expect(report).toContain('Parley, 3 relays');
    expect(report).toContain('socket.io 4.8, 3 nodes');
    expect(report).toMatch(/devices held\s+n\/a\s+6/);
    expect(report).toMatch(/Sustained: closed loop[\s\S]*delivered messages\/s\s+\d+\s+n\/a/);
    expect(scaleGoal(runs, options).parleyLost).toBe(0);
  }, 180_000);
});
