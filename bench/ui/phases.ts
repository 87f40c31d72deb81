// The measurements of bench:ui, in order: set-up and seeding (sealed at rest, as the app stores history), opening
// the long chat, search over the whole history, scrolling and memory, send latency with a short vs a long history,
// purging expired disappearing messages, and catch-up on messages that waited on the relay.
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';
import { chatRow, composer, register, startChat } from '../../e2e/support/app';
import { throttleCpu } from '../../e2e/support/cpu';
import type { E2eUser } from '../../e2e/support/world';
import { BenchWorld, type HeadlessPeer, type RelayProcess } from './harness';
import type { UiBenchOptions } from './options';
import { armOpenChat, armSearch, armSend, catchUpWatcher, caughtUp, openedChat, purgeFrames, scrollFrames, searchCaughtUp, searched, sendDone, storedCount, type LongFrame, type PurgeFrames } from './probes';
import { RARE_WORD, searchTimings, seedHistories, type SeedResult } from './seed';
import { CpuProfiles, startCpuSplit, type CpuSplit } from './cpuSplit';
import { droppedFrames, summarize, type Summary } from './stats';
import { PAUSE_INDEXING_KEY } from '../../src/renderer/db/search/pauseIndexing';

export interface MemorySample {
  jsHeapUsedMiB: number;
  /** DOM nodes alive in the renderer (CDP Performance.getMetrics "Nodes"). */
  domNodes: number;
  /** Elements in the document now. */
  documentElements: number;
}

export interface ScrollRun {
  name: string;
  pxPerSecond: number;
  frameMs: Summary;
  slowFrames: number;
  missedFrames: number;
  frames: number;
  messagesSeen: number;
  scrolledPx: number;
}

export interface SearchRun {
  query: string;
  /** What the query finds (the app's searchMessages, capped at the sidebar's limit). */
  hits: number;
  /** The app's searchMessages on the app's database, in the app's page. */
  engineMs: Summary;
  firstEngineMs: number;
  /** Typed into the sidebar's search box → the results painted (includes the app's typing pause). */
  typedToResultsMs: Summary;
  uiHits: number;
}

export interface PurgeRun {
  messages: number;
  /** Frame times from the messages' expiry until none is left, nor their entries in the search index (the chat showing them is open). */
  frameMs: Summary;
  /** Frames longer than two vsyncs (probes.ts OVER_TWO_VSYNCS_MS), and those over 50 ms. */
  framesOver33Ms: number;
  framesOver50Ms: number;
  purgeMs: number;
  indexRemovedMs: number;
  startedLate: boolean;
  timedOut: boolean;
  /** Chromium's long animation frames while purging, longest first, with the scripts in each. */
  longFrames: LongFrame[];
  slowFrames: PurgeFrames['slowFrames'];
}

export interface UiBenchResults {
  seeding: { conversation: string; rows: number; ms: number; rowsPerSecond: number }[];
  /** Absent with `--only catch-up`. */
  open?: { history: number; clickToFirstPageMs: Summary; clickToDomMs: Summary; firstOpenMs: number; samples: number[]; shortChatMs: Summary };
  frameIntervalMs?: number;
  idleFrames?: Summary;
  /** Search over every message with blind-index terms (`messages`); absent with `--only catch-up`. */
  search?: { messages: number; limit: number; typingPauseMs: number; runs: SearchRun[] };
  purge?: PurgeRun;
  scroll: ScrollRun[];
  memory?: { chatListOnly: MemorySample; longChatOpen: MemorySample; afterScrolling: MemorySample };
  send: { history: number; enterToSentMs: Summary; enterToShownMs: Summary; samples: number[] }[];
  /** Sends in the long chat with the search index kept current and with indexing paused, interleaved blocks. */
  sendIndex?: { history: number; indexed: Summary; paused: Summary; samplesIndexed: number[]; samplesPaused: number[] };
  /** Absent with `--only history`. */
  catchUp?: {
    messages: number;
    senderSendSeconds: number;
    launchMs: number;
    firstShownMs: number | null;
    coreDecryptedAllMs: number | null;
    chatListCurrentMs: number;
    /** CPU seconds from launch until the chat list was current, by process (cpuSplit.ts). */
    cpuSeconds: CpuSplit;
    /** Until the search indexer had caught up (its queue empty), from launch; indexing runs after storing. */
    searchCurrentMs: number;
    /** CPU seconds from launch until search was current. */
    searchCpuSeconds: CpuSplit;
    stored: number;
    badge: string;
  };
  /** `env`: the PARLEY_RELAY_* settings the relay process ran with (the bench's own and any set by the caller). */
  relay: { url: string; note: string; env: Record<string, string> };
}

const RELAY_ENV = {
  // Set-up only: the catch-up sender pushes thousands of messages in one burst, far above a person's rate.
  PARLEY_RELAY_RATE_PER_SECOND: '100000',
  PARLEY_RELAY_RATE_BURST: '100000',
  PARLEY_RELAY_MAILBOX_QUOTA: '1000000',
};

async function memory(cdp: CDPSession, page: Page): Promise<MemorySample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value ?? Number.NaN;
  const documentElements = await page.evaluate(() => (globalThis as unknown as { document: { getElementsByTagName(name: string): { length: number } } }).document.getElementsByTagName('*').length);
  return { jsHeapUsedMiB: Math.round((metric('JSHeapUsedSize') / 2 ** 20) * 10) / 10, domNodes: metric('Nodes'), documentElements };
}

async function settle(ms: number): Promise<void> {
  await new Promise((done) => setTimeout(done, ms));
}

/** Clicks a chat row and waits until its newest message is shown; returns click → first frame with it (ms). */
async function openAndTime(page: Page, conversationId: string, title: string, newestMessageId: string): Promise<{ frameMs: number; domMs: number }> {
  await armOpenChat(page, title, newestMessageId);
  await chatRow(page, conversationId).click();
  return openedChat(page);
}

/** The relay's settings: the bench's own over PARLEY_RELAY_* from the caller's environment (which the child inherits). */
function relayEnv(): Record<string, string> {
  const inherited = Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('PARLEY_RELAY_') && entry[1] !== undefined);
  return { ...Object.fromEntries(inherited), ...RELAY_ENV };
}

const RELAY_NOTE = 'own process; rate limit and mailbox quota raised for the catch-up sender’s burst';

export async function runBench(world: BenchWorld, options: UiBenchOptions, log: (line: string) => void): Promise<UiBenchResults> {
  const env = relayEnv();
  const relay: RelayProcess = await world.relay(env);
  log(`relay ${relay.url} (pid ${relay.pid}), ${Object.entries(env).map(([key, value]) => `${key}=${value}`).join(' ')}`);
  if (options.only === 'catch-up') {
    const catchUp = await catchUpRun(world, relay, options, log);
    return { seeding: [], scroll: [], send: [], catchUp, relay: { url: relay.url, note: RELAY_NOTE, env } };
  }
  if (options.only === 'purge') {
    const expiring = await world.peer('peer-expiring', relay.url);
    const me = await world.user('reader', relay.url);
    await register(me, 'reader');
    await startChat(me.page, expiring.username);
    // The seeding rate of this machine now, from a small chat, sets when the purge's messages expire.
    const probe = 2_000;
    const [rate] = await seedHistories(me, 'reader', [{ conversationId: `dm:${expiring.username}`, peer: expiring.username, count: probe }]);
    const seeding = [{ conversation: `dm:${expiring.username}`, rows: probe, ms: Math.round(rate!.ms), rowsPerSecond: Math.round(probe / (rate!.ms / 1000)) }];
    const purge = await purgeRun(me, expiring, options, seeding[0]!.rowsPerSecond, log);
    return { seeding, purge, scroll: [], send: [], relay: { url: relay.url, note: RELAY_NOTE, env } };
  }
  const full = options.only === 'all';
  const [short, long, longest, expiring] = (await Promise.all(['peer-short', 'peer-long', 'peer-longest', 'peer-expiring'].map((name) => world.peer(name, relay.url)))) as [HeadlessPeer, HeadlessPeer, HeadlessPeer, HeadlessPeer];
  const me = await world.user('reader', relay.url);
  await register(me, 'reader');
  for (const peer of [short, long, longest, expiring]) await startChat(me.page, peer.username);

  // ── seeding (the app closed meanwhile; it opens again afterwards) ──
  // The send comparison's long chat has no blind-index terms: writing ~40 index entries per row is most of the
  // seeding time (the search rows say how many messages were indexed).
  const histories: [HeadlessPeer, number, boolean][] = [
    [short, 10, true],
    [long, options.history, true],
    ...(full ? [[longest, options.sendHistory, false] as [HeadlessPeer, number, boolean]] : []),
  ];
  const answers = await seedHistories(
    me,
    'reader',
    histories.map(([peer, count, indexed]) => ({ conversationId: `dm:${peer.username}`, peer: peer.username, count, withoutTerms: !indexed })),
  );
  const seeding: UiBenchResults['seeding'] = [];
  const seeded = new Map<string, SeedResult>();
  histories.forEach(([peer, count, indexed], index) => {
    const result = answers[index]!;
    seeded.set(peer.username, result);
    seeding.push({ conversation: `dm:${peer.username}`, rows: count, ms: Math.round(result.ms), rowsPerSecond: Math.round(count / (result.ms / 1000)) });
    log(`seeded ${count.toLocaleString('en')} sealed rows${indexed ? '' : ' (no search terms)'} into dm:${peer.username} in ${(result.ms / 1000).toFixed(1)} s (rows and terms ${(result.termsMs / 1000).toFixed(1)} s)`);
  });
  const page = me.page;
  await chatRow(page, `dm:${long.username}`).waitFor();
  const cdp = await me.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await settle(1_000);
  const chatListOnly = await memory(cdp, page);

  // ── opening the long chat (alternating with the short one, so every open mounts the chat afresh) ──
  const longSeed = seeded.get(long.username)!;
  const shortSeed = seeded.get(short.username)!;
  const openSamples: number[] = [];
  const domSamples: number[] = [];
  const shortSamples: number[] = [];
  for (let rep = 0; rep < options.openRepetitions; rep++) {
    shortSamples.push((await openAndTime(page, `dm:${short.username}`, short.username, shortSeed.newestMessageId)).frameMs);
    await settle(400);
    const timing = await openAndTime(page, `dm:${long.username}`, long.username, longSeed.newestMessageId);
    openSamples.push(timing.frameMs);
    domSamples.push(timing.domMs);
    await settle(400);
  }
  log(`open ${options.history.toLocaleString('en')}-message chat: ${openSamples.map((ms) => ms.toFixed(0)).join(' ')} ms`);
  await settle(1_000);
  const longChatOpen = await memory(cdp, page);

  // ── search over every stored message ──
  const indexed = histories.reduce((sum, [, count, withTerms]) => sum + (withTerms ? count : 0), 0);
  const search = await searchRuns(me, indexed, options.searchRepetitions, log);

  // ── what keeping the search index current adds to sending ──
  const sendIndex = await sendIndexCost(me, long.username, options.history, options.sendRepetitions, log);
  if (!full) {
    const purge = await purgeRun(me, expiring, options, seeding[1]!.rowsPerSecond, log);
    return {
      seeding,
      open: openResults(options, openSamples, domSamples, shortSamples),
      search,
      sendIndex,
      purge,
      scroll: [],
      send: [],
      relay: { url: relay.url, note: RELAY_NOTE, env },
    };
  }

  // ── frames while scrolling up through the long chat ──
  const idle = await scrollFrames(page, 0, 2_000);
  const idleSummary = summarize(idle.deltas);
  const frameIntervalMs = idleSummary.median;
  const scroll: ScrollRun[] = [];
  for (const [name, pxPerSecond] of [
    ['reading (1,500 px/s)', 1_500],
    ['fling (6,000 px/s)', 6_000],
  ] as const) {
    const run = await scrollFrames(page, pxPerSecond, options.scrollSeconds * 1_000);
    scroll.push({ name, pxPerSecond, frameMs: summarize(run.deltas), ...droppedFrames(run.deltas, frameIntervalMs), frames: run.frames, messagesSeen: run.messagesSeen, scrolledPx: run.scrolledPx });
    log(`scroll ${name}: ${run.frames} frames, ${run.messagesSeen} messages passed, ${run.scrolledPx} px`);
    await settle(500);
  }
  await settle(1_000);
  const afterScrolling = await memory(cdp, page);

  // ── send latency: short vs long history, interleaved blocks of 10 ──
  const send = await sendLatency(me, [
    [short.username, 10],
    [longest.username, options.sendHistory],
  ], options.sendRepetitions, log);

  // ── purging expired disappearing messages ──
  const purge = await purgeRun(me, expiring, options, seeding[1]!.rowsPerSecond, log);

  // ── catch-up ──
  const catchUp = await catchUpRun(world, relay, options, log);

  return {
    seeding,
    open: openResults(options, openSamples, domSamples, shortSamples),
    search,
    sendIndex,
    purge,
    frameIntervalMs,
    idleFrames: idleSummary,
    scroll,
    memory: { chatListOnly, longChatOpen, afterScrolling },
    send,
    catchUp,
    relay: { url: relay.url, note: RELAY_NOTE, env },
  };
}

function openResults(options: UiBenchOptions, openSamples: number[], domSamples: number[], shortSamples: number[]): NonNullable<UiBenchResults['open']> {
  return {
    history: options.history,
    clickToFirstPageMs: summarize(openSamples),
    clickToDomMs: summarize(domSamples),
    firstOpenMs: openSamples[0] ?? Number.NaN,
    samples: openSamples,
    shortChatMs: summarize(shortSamples),
  };
}

/** The sidebar's limit on messages found (features/search/MessageSearchResults.tsx) and its typing pause. */
const SEARCH_LIMIT = 50;
const TYPING_PAUSE_MS = 150;
/** A word in one message in 10,000; a common word; two common words; a prefix of a common word. */
const QUERIES = [RARE_WORD, 'train', 'late train', 'tomo'];

async function searchRuns(me: E2eUser, messages: number, repetitions: number, log: (line: string) => void): Promise<NonNullable<UiBenchResults['search']>> {
  const page = me.page;
  const engine = await searchTimings(me, 'reader', QUERIES, SEARCH_LIMIT, repetitions);
  const box = page.getByPlaceholder('Search chats and messages');
  const typed = new Map<string, { ms: number[]; hits: number }>(QUERIES.map((query) => [query, { ms: [], hits: 0 }]));
  for (let rep = 0; rep < repetitions; rep++) {
    for (const query of QUERIES) {
      await box.fill('');
      await page.locator('section[aria-label="Messages found"]').waitFor({ state: 'detached' });
      await settle(200);
      await armSearch(page);
      await box.fill(query);
      const result = await searched(page);
      typed.get(query)!.ms.push(result.ms);
      typed.get(query)!.hits = result.hits;
    }
  }
  await box.fill('');
  const runs = QUERIES.map((query) => {
    const timings = engine.get(query)!;
    const ui = typed.get(query)!;
    log(`search "${query}": ${timings[0]!.hits} hits; engine ${timings.map((t) => t.ms.toFixed(0)).join(' ')} ms; typed → painted ${ui.ms.map((ms) => ms.toFixed(0)).join(' ')} ms`);
    return {
      query,
      hits: timings[0]!.hits,
      engineMs: summarize(timings.map((timing) => timing.ms)),
      firstEngineMs: timings[0]!.ms,
      typedToResultsMs: summarize(ui.ms),
      uiHits: ui.hits,
    };
  });
  return { messages, limit: SEARCH_LIMIT, typingPauseMs: TYPING_PAUSE_MS, runs };
}

/** What a purge or catch-up trace records: the page's tasks and frames, V8's collections, IndexedDB's work in the browser process. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.gc', 'IndexedDB', 'toplevel', 'blink.user_timing'];

/**
 * Seeds `options.purge` messages into the expiring chat, all disappearing at one moment after that, opens the
 * app on that chat and records every frame while the app's expiry worker purges them.
 */
async function purgeRun(me: E2eUser, peer: HeadlessPeer, options: UiBenchOptions, seedRowsPerSecond: number, log: (line: string) => void): Promise<PurgeRun> {
  const conversationId = `dm:${peer.username}`;
  // The rows carry their expiry when they are written, and writing them takes a while: they expire the lead after
  // the seeding is expected to end (at the rate the long chat was seeded, with room to spare).
  const seedingMs = (options.purge / seedRowsPerSecond) * 1_000 * 1.5;
  const expiresAt = Date.now() + seedingMs + options.purgeLeadSeconds * 1_000;
  const [seeded] = await seedHistories(me, 'reader', [{ conversationId, peer: peer.username, count: options.purge, expiresAt, expireTimerSeconds: 3_600 }]);
  log(`seeded ${options.purge.toLocaleString('en')} disappearing messages into ${conversationId} in ${(seeded!.ms / 1000).toFixed(1)} s; they expire in ${((expiresAt - Date.now()) / 1000).toFixed(1)} s`);
  const page = me.page;
  await chatRow(page, conversationId).waitFor();
  await openAndTime(page, conversationId, peer.username, seeded!.newestMessageId);
  const restoreCpu = options.purgeCpuThrottle > 1 ? await throttleCpu(page, options.purgeCpuThrottle) : undefined;
  const cdp = options.purgeProfile ? await me.context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const browser = options.purgeTrace ? page.context().browser() : null;
  await browser?.startTracing(page, { path: options.purgeTrace, categories: TRACE_CATEGORIES });
  const frames = await purgeFrames(page, 'reader', expiresAt, options.purge, 600_000);
  if (browser) {
    await browser.stopTracing();
    log(`Chromium trace of the purge: ${options.purgeTrace}`);
  }
  if (cdp) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
    writeFileSync(options.purgeProfile, JSON.stringify(profile));
    log(`CPU profile of the page during the purge: ${options.purgeProfile}`);
  }
  await restoreCpu?.();
  const frameMs = summarize(frames.deltas);
  log(`purge of ${options.purge.toLocaleString('en')}${options.purgeCpuThrottle > 1 ? ` (CPU throttled ×${options.purgeCpuThrottle})` : ''}: ${(frames.purgeMs / 1000).toFixed(1)} s (out of the search index at ${(frames.indexRemovedMs / 1000).toFixed(1)} s), ${frames.deltas.length} frames, longest ${frameMs.max.toFixed(0)} ms${frames.startedLate ? ' (STARTED BEFORE IT WAS WATCHED)' : ''}${frames.timedOut ? ' (NOT DONE when the time ran out)' : ''}`);
  log(`  frames over 33 ms (end from expiry: length): ${frames.slowFrames.map((frame) => `${frame.atMs}: ${frame.deltaMs}`).join(', ') || 'none'}`);
  for (const frame of frames.longFrames) {
    log(`  long frame ${frame.durationMs} ms at ${frame.atMs} ms (render from ${frame.untilRenderMs}, style and layout ${frame.styleAndLayoutMs}, script ${frame.scriptMs} of which forced layout ${frame.forcedLayoutMs}, blocking ${frame.blockingMs} ms): ${frame.scripts.map((script) => `${script.invoker} ${script.sourceFunctionName}@${script.sourceURL} +${script.atMs} ${script.durationMs} ms`).join('; ') || 'no script'}`);
  }
  return {
    messages: options.purge,
    frameMs,
    framesOver33Ms: frames.slowFrames.length,
    framesOver50Ms: frames.deltas.filter((delta) => delta > 50).length,
    purgeMs: frames.purgeMs,
    indexRemovedMs: frames.indexRemovedMs,
    startedLate: frames.startedLate,
    timedOut: frames.timedOut,
    longFrames: frames.longFrames,
    slowFrames: frames.slowFrames,
  };
}

/**
 * Sends in `peer`'s chat in interleaved blocks of 10: with the indexer keeping the search index current, and with
 * it paused (SearchIndexer's switch). Before an indexed block, one untimed send wakes the indexer to catch up on the
 * paused block's messages, so no timed send pays for them.
 */
async function sendIndexCost(me: E2eUser, peer: string, history: number, repetitions: number, log: (line: string) => void): Promise<NonNullable<UiBenchResults['sendIndex']>> {
  const page = me.page;
  const samples = { indexed: [] as number[], paused: [] as number[] };
  const block = 10;
  let n = 0;
  const sendOne = async (body: string): Promise<number> => {
    await armSend(page, body);
    await composer(page).fill(body);
    await composer(page).press('Enter');
    return (await sendDone(page, body)).sentMs;
  };
  await chatRow(page, `dm:${peer}`).click();
  await composer(page).waitFor();
  for (let done = 0; done < repetitions; done += block) {
    for (const mode of ['indexed', 'paused'] as const) {
      await page.evaluate(
        ({ key, pause }) => {
          const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void; removeItem(k: string): void } }).localStorage;
          if (pause) storage.setItem(key, '1');
          else storage.removeItem(key);
        },
        { key: PAUSE_INDEXING_KEY, pause: mode === 'paused' },
      );
      if (mode === 'indexed') await sendOne(`index catch-up ${++n}`);
      await settle(500);
      for (let i = 0; i < Math.min(block, repetitions - done); i++) {
        samples[mode].push(await sendOne(`index probe ${++n} (${mode})`));
        await settle(150);
      }
    }
  }
  await page.evaluate((key) => (globalThis as unknown as { localStorage: { removeItem(k: string): void } }).localStorage.removeItem(key), PAUSE_INDEXING_KEY);
  log(`send, index kept current: ${samples.indexed.map((ms) => ms.toFixed(0)).join(' ')} ms`);
  log(`send, indexing paused: ${samples.paused.map((ms) => ms.toFixed(0)).join(' ')} ms`);
  return { history, indexed: summarize(samples.indexed), paused: summarize(samples.paused), samplesIndexed: samples.indexed, samplesPaused: samples.paused };
}

async function sendLatency(me: E2eUser, chats: [string, number][], repetitions: number, log: (line: string) => void): Promise<UiBenchResults['send']> {
  const page = me.page;
  const samples = new Map<string, { sent: number[]; shown: number[] }>(chats.map(([peer]) => [peer, { sent: [], shown: [] }]));
  const block = 10;
  let n = 0;
  for (let done = 0; done < repetitions; done += block) {
    for (const [peer] of chats) {
      await chatRow(page, `dm:${peer}`).click();
      await composer(page).waitFor();
      await settle(500);
      for (let i = 0; i < Math.min(block, repetitions - done); i++) {
        const body = `latency probe ${++n} to ${peer}`;
        await armSend(page, body);
        await composer(page).fill(body);
        await composer(page).press('Enter');
        const timing = await sendDone(page, body);
        samples.get(peer)!.sent.push(timing.sentMs);
        samples.get(peer)!.shown.push(timing.shownMs);
        await settle(150);
      }
    }
  }
  return chats.map(([peer, history]) => {
    const { sent, shown } = samples.get(peer)!;
    log(`send with ${history.toLocaleString('en')} of history: ${sent.map((ms) => ms.toFixed(0)).join(' ')} ms`);
    return { history, enterToSentMs: summarize(sent), enterToShownMs: summarize(shown), samples: sent };
  });
}

async function catchUpRun(world: BenchWorld, relay: RelayProcess, options: UiBenchOptions, log: (line: string) => void): Promise<NonNullable<UiBenchResults['catchUp']>> {
  const count = options.catchUp;
  const sender = await world.peer('catchup-sender', relay.url);
  const catcher = await world.user('catcher', relay.url);
  await register(catcher, 'catcher');
  await sender.callRetrying('contacts.add', { username: 'catcher' });
  await sender.call('messages.send', { conversationId: 'dm:catcher', messageId: 'catchup-hello', content: { kind: 'text', body: 'hello before the catch-up' } });
  await chatRow(catcher.page, `dm:${sender.username}`).waitFor({ timeout: 20_000 });
  await settle(1_000);
  await catcher.quit();

  const lastBody = `catch-up message ${count}`;
  const sendStarted = performance.now();
  for (let i = 1; i <= count; i++) {
    await sender.callRetrying('messages.send', { conversationId: 'dm:catcher', messageId: `catchup-${String(i).padStart(6, '0')}`, content: { kind: 'text', body: `catch-up message ${i}` } });
  }
  const senderSendSeconds = (performance.now() - sendStarted) / 1000;
  log(`sender queued ${count} messages on the relay in ${senderSendSeconds.toFixed(1)} s`);
  await settle(2_000);

  await catcher.context.addInitScript(catchUpWatcher(`dm:${sender.username}`, lastBody));
  let coreDecryptedAllAt: number | null = null;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        if (coreDecryptedAllAt === null && catcher.shell.core.client.messenger().receiveStats.received >= count) coreDecryptedAllAt = Date.now();
      } catch {
        // The core is not up yet.
      }
      await settle(10);
    }
  })();
  const profileDir = process.env.BENCH_UI_CPU_PROF;
  const profiles = profileDir ? await CpuProfiles.start(profileDir, catcher.context) : undefined;
  // The browser's trace, not a page's: the page is made by launch(), and IndexedDB runs in the browser process.
  const browser = options.catchUpTrace ? catcher.context.browser() : null;
  await browser?.startTracing(undefined, { path: options.catchUpTrace, categories: TRACE_CATEGORIES });
  const cpuSpent = startCpuSplit(relay.pid);
  const started = Date.now();
  const launching = catcher.launch();
  // launch() resolves once the page has loaded; the core started before that.
  await launching;
  const launchMs = Date.now() - started;
  const state = await caughtUp(catcher.page, 300_000);
  const cpuSeconds = cpuSpent();
  if (browser) {
    await browser.stopTracing();
    log(`Chromium trace of the catch-up: ${options.catchUpTrace}`);
  }
  const searchCurrentAt = await searchCaughtUp(catcher.page, 'catcher', 300_000);
  const searchCpuSeconds = cpuSpent();
  await profiles?.stop();
  polling = false;
  await poller;
  const stored = await storedCount(catcher.page, 'catcher', `dm:${sender.username}`);
  const badge = (await chatRow(catcher.page, `dm:${sender.username}`).locator('.badge').textContent()) ?? '';
  const result = {
    messages: count,
    senderSendSeconds: Math.round(senderSendSeconds * 10) / 10,
    launchMs,
    firstShownMs: state.firstShownAt !== undefined ? state.firstShownAt - started : null,
    coreDecryptedAllMs: coreDecryptedAllAt !== null ? coreDecryptedAllAt - started : null,
    chatListCurrentMs: state.currentAt! - started,
    cpuSeconds,
    searchCurrentMs: searchCurrentAt - started,
    searchCpuSeconds,
    stored,
    badge,
  };
  log(`catch-up: ${JSON.stringify(result)}`);
  return result;
}
