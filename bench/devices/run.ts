// `npm run bench:devices`: what linked devices cost (issue 15), with real cores, a real relay in its own process on
// loopback and the real renderer build in Debian's Chromium (browser shell), as bench:ui runs them.
//  1. History import: a primary (a headless core) sends N messages of history along when it links a browser-shell
//     device; timed from the link's answer to the new device's banner saying all of it is stored (download, checks
//     and decryption in main, then batches into the sealed IndexedDB). Goal: 10,000 messages in under 10 s.
//  2. Fan-out: a sender's cost of sending to a user with 5 devices against a user with 1 — the sender's wall time per
//     `messages.send` (until the relay stored every copy) and this process's CPU time per send (the recipients are
//     closed while it is measured, their copies wait on the relay, so the CPU is the sender's). Goal: under 3×.
// Prints a table with the load average before and after, and writes JSON under bench/results/. Not a verdict under
// load: on a shared machine the figures say what they were at that load. Options: --history N, --sends N.
import { chromium, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';
import type { HistoryMessage } from '../../src/shared/ipc';
import { BenchWorld, HeadlessPeer, REPO_ROOT } from '../ui/harness';
import { gitRevision, loadAverage, machineInfo } from '../ui/machine';
import { summarize, type Summary } from '../ui/stats';

interface Options {
  history: number;
  sends: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { history: Number(process.env.BENCH_DEVICES_HISTORY ?? 10_000), sends: Number(process.env.BENCH_DEVICES_SENDS ?? 100) };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], Number(argv[i + 1])];
    if (flag === '--history') options.history = value;
    else if (flag === '--sends') options.sends = value;
    else throw new Error(`unknown option ${flag} (use --history N, --sends N)`);
  }
  if (!Number.isInteger(options.history) || options.history < 1 || !Number.isInteger(options.sends) || options.sends < 1) throw new Error('--history and --sends take whole numbers ≥ 1');
  return options;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const unique = (name: string) => `${name}${Math.random().toString(36).slice(2, 8)}`;
const id = (n: number) => `01JBENCH${String(n).padStart(18, '0')}`;

async function historyImport(world: BenchWorld, relayUrl: string, count: number) {
  const alice = await world.peer(unique('alice'), relayUrl);
  const words = ['see you at the station', 'lunch?', 'the draft is in the folder', 'haha', 'on my way', 'photos from the trip', 'ok'];
  const { exportId } = await alice.call('history.startExport', { since: null });
  for (let from = 0; from < count; from += 1000) {
    const messages: HistoryMessage[] = [];
    for (let n = from; n < Math.min(count, from + 1000); n++) {
      const mine = n % 3 === 0;
      messages.push({
        conversationId: 'dm:bob',
        messageId: id(n),
        sender: mine ? alice.username : 'bob',
        direction: mine ? 'out' : 'in',
        body: `${words[n % words.length]} #${n}`,
        timestamp: Date.UTC(2026, 0, 1) + n * 60_000,
        ...(mine ? { status: 'read' as const } : {}),
      });
    }
    await alice.call('history.addToExport', { exportId, conversations: from === 0 ? [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: Date.UTC(2026, 0, 1) + count * 60_000 }] : [], messages });
  }
  const laptop = await world.user('laptop', relayUrl);
  const { page } = laptop;
  await page.getByRole('button', { name: 'Link to an existing account' }).click();
  await page.getByLabel('Name for this device').fill('Laptop');
  await page.getByRole('button', { name: 'Show linking code' }).click();
  const code = await page.getByRole('textbox', { name: 'Linking code' }).inputValue();

  const load = loadAverage();
  const started = performance.now();
  await alice.call('devices.link', { code, history: exportId });
  const linked = performance.now();
  const banner = page.locator('[data-history]');
  await expect(banner).toHaveAttribute('data-history', 'importing', { timeout: 120_000 });
  const ready = performance.now();
  await expect(banner).toHaveText(`Your history is here: ${new Intl.NumberFormat('en-US').format(count)} messages.Dismiss`, { timeout: 300_000 });
  const done = performance.now();
  return {
    messages: count,
    /** Sealing (encrypt + upload) the archive and linking, on the primary. */
    sealAndLinkMs: Math.round(linked - started),
    /** From the link's answer to the archive downloaded, checked, decoded on the new device (its banner shows progress). */
    linkedToReadyMs: Math.round(ready - linked),
    /** From the link's answer to every message stored on the new device. */
    linkedToImportedMs: Math.round(done - linked),
    loadAverageAtStart: load,
    loadAverageAtEnd: loadAverage(),
  };
}

async function fanOut(world: BenchWorld, relayUrl: string, sends: number) {
  const alice = await world.peer(unique('sender'), relayUrl);
  const single = await world.peer(unique('one'), relayUrl);
  const multi = await world.peer(unique('five'), relayUrl);
  const extra: HeadlessPeer[] = [];
  for (let n = 2; n <= 5; n++) extra.push(await HeadlessPeer.linked(multi, relayUrl, await world.dir(`peer-${multi.username}-${n}`), `Device ${n}`));
  for (const [index, user] of [single, multi].entries()) {
    await alice.callRetrying('contacts.add', { username: user.username });
    // Sessions with every device first (the first message sets them up); then the recipients close.
    await alice.callRetrying('messages.send', { conversationId: `dm:${user.username}`, messageId: id(900_000 + index), content: { kind: 'text', body: 'hello' } });
  }
  await Promise.all([single, multi, ...extra].map((peer) => peer.close()));
  const wall: Record<'one' | 'five', number[]> = { one: [], five: [] };
  const cpu: Record<'one' | 'five', number[]> = { one: [], five: [] };
  const load = loadAverage();
  for (let n = 0; n < sends; n++) {
    // Interleaved, so a change of load over the run weighs on both alike.
    for (const [kind, user] of [['one', single], ['five', multi]] as const) {
      const cpuBefore = process.cpuUsage();
      const before = performance.now();
      await alice.callRetrying('messages.send', { conversationId: `dm:${user.username}`, messageId: id(n * 2 + (kind === 'one' ? 0 : 1)), content: { kind: 'text', body: `message ${n}` } });
      wall[kind].push(performance.now() - before);
      const used = process.cpuUsage(cpuBefore);
      cpu[kind].push((used.user + used.system) / 1000);
    }
  }
  const summary = (values: number[]): Summary => summarize(values);
  const median = (values: number[]) => summary(values).median;
  return {
    sends,
    wallMs: { oneDevice: summary(wall.one), fiveDevices: summary(wall.five) },
    cpuMs: { oneDevice: summary(cpu.one), fiveDevices: summary(cpu.five) },
    /** Median of 5 devices over median of 1. */
    wallRatio: Math.round((median(wall.five) / median(wall.one)) * 100) / 100,
    cpuRatio: Math.round((median(cpu.five) / median(cpu.one)) * 100) / 100,
    loadAverageAtStart: load,
    loadAverageAtEnd: loadAverage(),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const browser = await chromium.launch(chromiumLaunchOptions());
  const machine = machineInfo(browser.version());
  log(`bench:devices — ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverageAtStart.join(' ')}`);
  const world = new BenchWorld(browser);
  const startedAt = new Date();
  let results;
  try {
    const relay = await world.relay({});
    log(`history import of ${options.history} messages…`);
    const history = await historyImport(world, relay.url, options.history);
    log(`fan-out, ${options.sends} sends to each…`);
    const fanout = await fanOut(world, relay.url, options.sends);
    results = { history, fanout };
  } finally {
    await world.dispose();
    await browser.close();
  }
  const { history, fanout } = results;
  const table = [
    'Linked devices (issue 15) — not a verdict under load; load average (1/5/15 min) with each figure',
    `history import, ${history.messages} messages: link answered → all stored on the new device ${history.linkedToImportedMs} ms (goal < 10,000 ms)` +
      ` [ready after ${history.linkedToReadyMs} ms; sealing + upload + link on the primary ${history.sealAndLinkMs} ms] load ${history.loadAverageAtStart.join('/')} → ${history.loadAverageAtEnd.join('/')}`,
    `send to 5 devices vs 1, ${fanout.sends} each: wall p50 ${fanout.wallMs.fiveDevices.median.toFixed(1)} vs ${fanout.wallMs.oneDevice.median.toFixed(1)} ms = ${fanout.wallRatio}×,` +
      ` sender CPU p50 ${fanout.cpuMs.fiveDevices.median.toFixed(2)} vs ${fanout.cpuMs.oneDevice.median.toFixed(2)} ms = ${fanout.cpuRatio}× (goal < 3×) load ${fanout.loadAverageAtStart.join('/')} → ${fanout.loadAverageAtEnd.join('/')}`,
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  const dir = join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `devices-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: 'devices', startedAt: startedAt.toISOString(), git: gitRevision(REPO_ROOT), machine, options, table, results }, null, 2)}\n`);
  process.stdout.write(`Results: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:devices failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
