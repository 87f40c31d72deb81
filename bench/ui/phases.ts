// The measurements of bench:ui, in order: set-up and seeding, opening the long chat, scrolling it and memory, send
// latency with a short vs a long history, and catch-up on messages that waited on the relay.
import type { CDPSession, Page } from '@playwright/test';
import { chatRow, composer, register, startChat } from '../../e2e/support/app';
import type { E2eUser } from '../../e2e/support/world';
import { BenchWorld, type HeadlessPeer, type RelayProcess } from './harness';
import type { UiBenchOptions } from './options';
import { armOpenChat, armSend, catchUpWatcher, caughtUp, openedChat, scrollFrames, sendDone, storedCount } from './probes';
import { seedHistory, type SeedResult } from './seed';
import { droppedFrames, summarize, type Summary } from './stats';

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

export interface UiBenchResults {
  seeding: { conversation: string; rows: number; ms: number; rowsPerSecond: number }[];
  /** Absent with `--only catch-up`. */
  open?: { history: number; clickToFirstPageMs: Summary; clickToDomMs: Summary; firstOpenMs: number; samples: number[]; shortChatMs: Summary };
  frameIntervalMs?: number;
  idleFrames?: Summary;
  scroll: ScrollRun[];
  memory?: { chatListOnly: MemorySample; longChatOpen: MemorySample; afterScrolling: MemorySample };
  send: { history: number; enterToSentMs: Summary; enterToShownMs: Summary; samples: number[] }[];
  catchUp: {
    messages: number;
    senderSendSeconds: number;
    launchMs: number;
    firstShownMs: number | null;
    coreDecryptedAllMs: number | null;
    chatListCurrentMs: number;
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
    const catchUp = await catchUpRun(world, relay, options.catchUp, log);
    return { seeding: [], scroll: [], send: [], catchUp, relay: { url: relay.url, note: RELAY_NOTE, env } };
  }
  const [short, long, longest] = await Promise.all(['peer-short', 'peer-long', 'peer-longest'].map((name) => world.peer(name, relay.url))) as [HeadlessPeer, HeadlessPeer, HeadlessPeer];
  const me = await world.user('reader', relay.url);
  await register(me, 'reader');
  for (const peer of [short, long, longest]) await startChat(me.page, peer.username);

  // ── seeding ──
  const seeding: UiBenchResults['seeding'] = [];
  const seeded = new Map<string, SeedResult>();
  for (const [peer, count] of [
    [short, 10],
    [long, options.history],
    [longest, options.sendHistory],
  ] as const) {
    const conversationId = `dm:${peer.username}`;
    const result = await seedHistory(me.page, { username: 'reader', conversationId, peer: peer.username, count });
    seeded.set(peer.username, result);
    seeding.push({ conversation: conversationId, rows: count, ms: Math.round(result.ms), rowsPerSecond: Math.round(count / (result.ms / 1000)) });
    log(`seeded ${count.toLocaleString('en')} rows into ${conversationId} in ${(result.ms / 1000).toFixed(1)} s`);
  }
  await me.reload();
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

  // ── catch-up ──
  const catchUp = await catchUpRun(world, relay, options.catchUp, log);

  return {
    seeding,
    open: {
      history: options.history,
      clickToFirstPageMs: summarize(openSamples),
      clickToDomMs: summarize(domSamples),
      firstOpenMs: openSamples[0] ?? Number.NaN,
      samples: openSamples,
      shortChatMs: summarize(shortSamples),
    },
    frameIntervalMs,
    idleFrames: idleSummary,
    scroll,
    memory: { chatListOnly, longChatOpen, afterScrolling },
    send,
    catchUp,
    relay: { url: relay.url, note: RELAY_NOTE, env },
  };
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

async function catchUpRun(world: BenchWorld, relay: RelayProcess, count: number, log: (line: string) => void): Promise<UiBenchResults['catchUp']> {
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
  const started = Date.now();
  const launching = catcher.launch();
  // launch() resolves once the page has loaded; the core started before that.
  await launching;
  const launchMs = Date.now() - started;
  const state = await caughtUp(catcher.page, 300_000);
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
    stored,
    badge,
  };
  log(`catch-up: ${JSON.stringify(result)}`);
  return result;
}
