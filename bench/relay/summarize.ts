// `npm run bench:relay:summary -- [--last N] [files…]`: one line per full bench:relay run (its JSON record in
// bench/results/), with the time, commit, machine load and the figures the goals of issue 14 are judged on — server
// CPU per delivered message first — and how many runs met each goal. Markdown, to paste into a README or a note.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { gitRevision } from './machine';
import type { BenchOptions, SystemName } from './options';
import { REPO_ROOT } from './processes';
import type { PhaseResult, SystemRunResult } from './system-run';
import { spread, verdict, type Verdict } from './table';

interface RunRecord {
  startedAt: string;
  git: ReturnType<typeof gitRevision>;
  machine: { loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  options: BenchOptions;
  runs: SystemRunResult[];
}

function median(record: RunRecord, system: SystemName, phase: PhaseResult['name'], pick: (p: PhaseResult) => number | undefined): number | undefined {
  return spread(
    record.runs
      .filter((r) => r.system === system)
      .map((r) => {
        const p = r.phases.find((x) => x.name === phase);
        return p === undefined ? undefined : pick(p);
      }),
  )?.median;
}

const n = (v: number | undefined, digits = 0) => (v === undefined ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const yes = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? '**yes**' : 'no');

/** The commit, with `+` when the relay or bench files had uncommitted changes. */
function commitOf(record: RunRecord): string {
  const git = record.git;
  if (git === undefined) return '?';
  return `${git.commit.slice(0, 7)}${git.dirtyPaths.length > 0 ? '+' : ''}`;
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { last: { type: 'string' }, dir: { type: 'string' } }, allowPositionals: true });
  const dir = resolve(REPO_ROOT, values.dir ?? 'bench/results');
  let files = positionals.length > 0 ? positionals : readdirSync(dir).filter((f) => /^relay-.*\.json$/.test(f)).sort().map((f) => join(dir, f));
  if (values.last !== undefined) files = files.slice(-Number(values.last));
  if (files.length === 0) {
    process.stderr.write(`no bench:relay results in ${dir}\n`);
    process.exit(1);
  }
  const records = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord);
  const lines = [
    '| run (UTC) | commit | load start / end | CPU µs/msg at rate: Parley / socket.io | at saturation | max msg/s: Parley / socket.io / RabbitMQ | p99 at rate (ms): Parley / RabbitMQ | CPU | throughput | p99 < 50 ms | ≥ 2× RabbitMQ, lower p99 | lost |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const verdicts: Verdict[] = [];
  for (const record of records) {
    const v = verdict(record.runs, record.options);
    verdicts.push(v);
    const cpu = (system: SystemName, phase: PhaseResult['name']) => median(record, system, phase, (p) => p.serverCpuPerMessageUs);
    const max = (system: SystemName) => median(record, system, 'max', (p) => p.deliveredPerSecond);
    const p99 = (system: SystemName) => median(record, system, 'rate', (p) => p.latencyMs.p99);
    const load = `${record.machine.loadAverageAtStart[0]} / ${record.machine.loadAverageAtEnd?.[0] ?? '?'}`;
    lines.push(
      `| ${record.startedAt.slice(0, 16).replace('T', ' ')} | ${commitOf(record)} | ${load} ` +
        `| ${n(cpu('parley', 'rate'))} / ${n(cpu('socketio', 'rate'))} | ${n(cpu('parley', 'max'))} / ${n(cpu('socketio', 'max'))} ` +
        `| ${n(max('parley'))} / ${n(max('socketio'))} / ${n(max('rabbitmq'))} | ${n(p99('parley'), 1)} / ${n(p99('rabbitmq'), 1)} ` +
        `| ${yes(v.cpuMet)} | ${yes(v.throughputMet)} | ${yes(v.p99Met)} | ${yes(v.rabbitMet)} | ${v.lost} |`,
    );
  }
  const met = (pick: (v: Verdict) => boolean | undefined) => `${verdicts.filter((v) => pick(v) === true).length} of ${verdicts.length}`;
  lines.push(
    '',
    `Goals met: server CPU per message ≤ socket.io in ${met((v) => v.cpuMet)} runs; throughput ≥ socket.io in ${met((v) => v.throughputMet)}; ` +
      `p99 under 50 ms in ${met((v) => v.p99Met)}; ≥ 2× RabbitMQ with lower p99 in ${met((v) => v.rabbitMet)}; ` +
      `messages lost in all runs: ${verdicts.reduce((sum, v) => sum + v.lost, 0)}. Each figure is the median over a run's repetitions.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
