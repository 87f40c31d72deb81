// The table a chaos run prints: the seed and how to rerun it, the faults injected with their recovery times, and
// the delivery invariants (lost and duplicated must both be 0).
import { faultCounts, type ChaosReport } from './chaos-run';
import { FAULT_LABELS, type FaultKind } from './schedule';

/** Whether the run kept every promise: nothing lost, nothing twice, nothing reordered, no failed send or crash. */
export function chaosPassed(report: ChaosReport): boolean {
  return report.lost === 0 && report.duplicated === 0 && report.outOfOrder === 0 && report.failedSends === 0 && report.unexpectedRelayExits === 0;
}

export function rerunCommand(report: ChaosReport): string {
  const { seed, relays, clients, minGap, maxGap, groups } = report.options;
  return `npm run chaos -- --seed ${seed} --steps ${report.faults.length} --relays ${relays} --clients ${clients} --min-gap ${minGap} --max-gap ${maxGap}${groups ? ' --groups' : ''}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ').trimEnd());
}

export function renderChaosReport(report: ChaosReport): string {
  const counts = faultCounts(report.faults);
  const recoveries = (kind: FaultKind) => report.faults.filter((f) => f.fault.kind === kind).map((f) => f.recoveryMs);
  const faultRows = (Object.keys(FAULT_LABELS) as FaultKind[]).map((kind) => {
    const times = recoveries(kind);
    const mean = times.length === 0 ? '–' : String(Math.round(times.reduce((a, b) => a + b, 0) / times.length));
    const max = times.length === 0 ? '–' : String(Math.max(...times));
    return [FAULT_LABELS[kind], String(counts.get(kind) ?? 0), mean, max];
  });
  const { options } = report;
  const verdict = chaosPassed(report) ? 'PASSED' : 'FAILED';
  return [
    `Chaos run — seed ${options.seed}, ${options.relays} relays on one Redis (appendonly yes, appendfsync always), ${options.clients} clients (real cores)${options.groups ? ', every other text to a group of all of them' : ''}`,
    `Rerun this schedule: ${rerunCommand(report)}`,
    '',
    ...table([['Fault', 'injected', 'recovery mean (ms)', 'recovery max (ms)'], ...faultRows, ['all', String(report.faults.length), '', '']]),
    '  (recovery: from the fault taking effect — a kill: the signal; a restart: the relay listening — until every client had a send acknowledged again)',
    '',
    ...table([
      ['Deliveries (one per recipient of a message)', ''],
      ['acknowledged by a relay (sent)', String(report.acknowledged)],
      ['delivered to the application', String(report.delivered)],
      ['lost', String(report.lost)],
      ['duplicated', String(report.duplicated)],
      ['out of order (per sender)', String(report.outOfOrder)],
      ['send attempts retried', String(report.retries)],
      ['sends failed (not retryable)', String(report.failedSends)],
      ['relay exits nobody asked for', String(report.unexpectedRelayExits)],
      ['settle after the last fault (ms)', String(report.settleMs)],
      ['run time (s)', (report.durationMs / 1000).toFixed(1)],
    ]),
    '',
    `${verdict}: lost ${report.lost}, duplicated ${report.duplicated} (both must be 0)`,
  ].join('\n');
}
