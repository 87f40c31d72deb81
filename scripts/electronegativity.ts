// `npm run audit:electron` (and .ci/run): runs Doyensec's electronegativity over src/ offline — with the Electron
// version from node_modules/electron given (-e) and the one check that needs the internet (its release list,
// AvailableSecurityFixesGlobalCheck) excluded — and fails on any HIGH or MEDIUM finding. A finding that was reviewed
// is marked where it is, with `// eng-disable <CHECK>` and a comment saying why (docs/security.md §16.1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Finding {
  check: string;
  file: string;
  location: string;
  severity: string;
  confidence: string;
}

/** electronegativity's CSV: a header, then one quoted row per finding. */
export function parseFindings(csv: string): Finding[] {
  const rows = csv
    .trim()
    .split(/\r?\n/)
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((match) => (match[1] ?? match[2] ?? '').replace(/""/g, '"')));
  const [header, ...body] = rows;
  if (!header) return [];
  const column = (name: string) => header.findIndex((cell) => cell.toLowerCase().replace(/\s+/g, '') === name);
  const at = { check: column('issue'), file: column('filename'), location: column('location'), severity: column('severity'), confidence: column('confidence') };
  return body.map((row) => ({
    check: row[at.check] ?? '',
    file: row[at.file] ?? '',
    location: row[at.location] ?? '',
    severity: (row[at.severity] ?? '').toUpperCase(),
    confidence: (row[at.confidence] ?? '').toUpperCase(),
  }));
}

function main(): void {
  const require = createRequire(import.meta.url);
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const bin = join(require.resolve('@doyensec/electronegativity/package.json'), '..', 'dist', 'index.js');
  const dir = mkdtempSync(join(tmpdir(), 'parley-eng-'));
  const report = join(dir, 'electronegativity.csv');
  try {
    const run = spawnSync(process.execPath, [bin, '-i', 'src', '-e', electronVersion, '-x', 'AvailableSecurityFixesGlobalCheck', '-r', '-v', 'false', '-o', report], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) {
      console.error(run.stdout, run.stderr);
      throw new Error(`electronegativity exited with ${run.status}`);
    }
    const findings = parseFindings(readFileSync(report, 'utf8'));
    const serious = findings.filter((finding) => finding.severity === 'HIGH' || finding.severity === 'MEDIUM');
    for (const finding of findings) console.log(`${finding.severity.padEnd(8)} ${finding.confidence.padEnd(10)} ${finding.check.padEnd(30)} ${finding.file}:${finding.location}`);
    console.log(`electronegativity (Electron ${electronVersion}): ${findings.length} finding(s), ${serious.length} high or medium`);
    if (serious.length > 0) {
      console.error('Fix them, or review them and mark the line with `// eng-disable <CHECK>` and why (docs/security.md §16.1).');
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
