// `npm run bench:media`: a 1 GiB file sent and fetched through Parley's attachment path — encrypt + tus upload to a
// real relay, then ranged download + per-chunk decryption and digest check — beside a plain unencrypted HTTP copy
// of the same file over loopback in the same run (the physical limit here). Reports MB/s (of the plaintext file) as
// median [min–max] over the runs, the peak resident-memory growth of the app side and of the relay, and the CPU
// seconds each of them spends per GiB (the figure that holds up best on a loaded machine).
// Run it under `flock /work/.bench.lock` on a shared machine. Options (environment): BENCH_MEDIA_MIB (default 1024),
// BENCH_MEDIA_RUNS (default 3), BENCH_MEDIA_CPU_PROF=<dir> (V8 CPU profiles of the app side, the relay and the
// plain server, written there when the run ends). Results also go to bench/results/media-<time>.json.
import { fork, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, gitRevision, machineInfo } from '../relay/machine';
import type { ClientOp } from './client';
import { startPeakMeter } from './memory';
import { printTables, type Measurement } from './table';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));
const mib = Number(process.env.BENCH_MEDIA_MIB ?? 1024);
const runs = Number(process.env.BENCH_MEDIA_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'parley-bench-media-'));
const profileDir = process.env.BENCH_MEDIA_CPU_PROF;
const children: ChildProcess[] = [];
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
};
/** Lets each child exit by itself (so a CPU profile gets written), then cleans up. */
async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(resolve, 10_000);
          child.once('exit', () => (clearTimeout(timer), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
  cleanup();
}
process.on('SIGINT', () => (cleanup(), process.exit(130)));
process.on('SIGTERM', () => (cleanup(), process.exit(143)));

function start(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: unknown }> {
  // One directory per process: V8 writes a profile per thread (tsx's loader thread too); the largest is the main one.
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, script.replace('.ts', ''))] : [];
  const child = fork(join(here, script), [], { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', (message: { ready: unknown }) => resolve({ child, ready: message.ready }));
  });
}

function makePlainFile(file: string, bytes: number): void {
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(file, 'w');
  for (let written = 0; written < bytes; written += buffer.length) {
    randomFillSync(buffer);
    writeSync(fd, buffer, 0, Math.min(buffer.length, bytes - written));
  }
  closeSync(fd);
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const size = mib * 1024 * 1024;
  const plain = join(work, 'plain.bin');
  process.stdout.write(`bench:media: ${mib} MiB × ${runs} runs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  makePlainFile(plain, size);
  mkdirSync(join(work, 'relay'));
  mkdirSync(join(work, 'plain-server'));

  const relayHost = await start('relay-host.ts', { BENCH_MEDIA_RELAY_DIR: join(work, 'relay') });
  const plainServer = await start('plain-server.ts', { BENCH_MEDIA_PLAIN_DIR: join(work, 'plain-server') });
  const client = await start('client.ts', {});
  const relayUrl = String(relayHost.ready);
  const plainUrl = String(plainServer.ready);

  let relayRequests = 1;
  const relayWaiters = new Map<number, (value: unknown) => void>();
  relayHost.child.on('message', (message: { id: number; value?: unknown; error?: string }) => {
    if (message.error) throw new Error(`relay: ${message.error}`);
    relayWaiters.get(message.id)?.(message.value);
  });
  const relay = (request: Record<string, unknown>) =>
    new Promise<unknown>((resolve) => {
      const id = relayRequests++;
      relayWaiters.set(id, resolve);
      relayHost.child.send({ ...request, id });
    });
  client.child.on('message', (message: { relay?: { id: number } & Record<string, unknown> }) => {
    if (!message.relay) return;
    const { id, ...request } = message.relay;
    void relay(request).then((value) => client.child.send({ relayAnswer: { id, value } }));
  });

  const runOp = async (op: ClientOp, server: ChildProcess): Promise<Measurement & Record<string, unknown>> => {
    const appMeter = startPeakMeter(client.child.pid!);
    const serverMeter = startPeakMeter(server.pid!);
    const cpuBefore = [cpuSeconds(client.child.pid!), cpuSeconds(server.pid!)];
    const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (message: { relay?: unknown; result?: Record<string, unknown>; error?: string }) => {
        if (message.relay !== undefined) return;
        client.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.result!);
      };
      client.child.on('message', onMessage);
      client.child.send({ run: op });
    });
    const seconds = Number(result.seconds);
    const cpuAfter = [cpuSeconds(client.child.pid!), cpuSeconds(server.pid!)];
    const cpuPerGiB = (i: number) => {
      const [before, after] = [cpuBefore[i], cpuAfter[i]];
      return before === undefined || after === undefined ? undefined : (after - before) / (size / 2 ** 30);
    };
    return {
      ...result,
      mbPerSecond: size / 1e6 / seconds,
      seconds,
      appGrowth: appMeter.growth(),
      serverGrowth: serverMeter.growth(),
      appCpuPerGiB: cpuPerGiB(0),
      serverCpuPerGiB: cpuPerGiB(1),
    };
  };

  const measurements: Record<string, Measurement[]> = { 'plain-up': [], 'parley-up': [], 'plain-down': [], 'parley-down': [] };
  for (let run = 1; run <= runs; run++) {
    const local = join(work, `local-${run}.bin`);
    const out = join(work, `out-${run}.bin`);
    measurements['plain-up']!.push(await runOp({ op: 'plain-up', plain, url: plainUrl }, plainServer.child));
    const up = await runOp({ op: 'parley-up', plain, local, relayUrl }, relayHost.child);
    measurements['parley-up']!.push(up);
    await relay({ op: 'grant', blobId: up.blobId });
    measurements['plain-down']!.push(await runOp({ op: 'plain-down', out, url: plainUrl }, plainServer.child));
    rmSync(out, { force: true });
    const { blobId, key, digest, chunkBytes } = up as unknown as { blobId: string; key: string; digest: string; chunkBytes: number };
    measurements['parley-down']!.push(await runOp({ op: 'parley-down', blobId, out, relayUrl, key, digest, size, chunkBytes }, relayHost.child));
    rmSync(out, { force: true });
    rmSync(local, { force: true });
    rmSync(join(work, 'relay', 'blobs', blobId), { force: true });
    process.stdout.write(`run ${run}/${runs} done (load ${loadavg()[0]!.toFixed(2)})\n`);
  }

  const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const revision = gitRevision(repo);
  printTables({ mib, runs, machine, loadAtEnd, commit: revision?.commit, measurements });
  const results = join(repo, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `media-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ mib, runs, machine, loadAtEnd, revision, measurements }, null, 2));
}

main().then(
  () => stopChildren().then(() => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`bench:media failed: ${String(error)}\n`);
    cleanup();
    process.exit(1);
  },
);
