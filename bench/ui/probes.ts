// In-page measurements for bench:ui. Every timestamp is taken inside the page (performance.now(), event
// timeStamp, requestAnimationFrame), so Playwright's round trips never count. Each function is self-contained:
// page.evaluate sends its source text to the page.
import type { Page } from '@playwright/test';
import type { BenchPageState, PageElement, PageEvent, PageWindow } from './page';

/**
 * Arms a one-shot measurement of opening a chat: from the click on its row (the click event's timestamp) to the
 * first frame after the chat's newest message is in the DOM and inside the visible part of the message list.
 * Resolve it with `openedChat` after clicking.
 */
export async function armOpenChat(page: Page, title: string, newestMessageId: string): Promise<void> {
  await page.evaluate(
    ({ title, newestMessageId }) => {
      const w = globalThis as unknown as PageWindow;
      const state: BenchPageState = (w.__benchUi ??= {});
      state.opened = null;
      let clickAt = 0;
      const onClick = (event: PageEvent) => {
        clickAt = event.timeStamp;
        check();
      };
      w.document.addEventListener('click', onClick, { capture: true, once: true });
      const inView = (): boolean => {
        const scroller = w.document.querySelector(`[role="log"][aria-label="Messages with ${title}"]`);
        if (!scroller) return false;
        const newest = scroller.querySelector(`[data-message-id="${newestMessageId}"]`);
        if (!newest) return false;
        const box = scroller.getBoundingClientRect();
        const rect = newest.getBoundingClientRect();
        return rect.bottom > box.top && rect.top < box.bottom;
      };
      const observer = new w.MutationObserver(() => check());
      const check = () => {
        if (clickAt === 0 || !inView()) return;
        observer.disconnect();
        const domAt = w.performance.now();
        w.requestAnimationFrame(() => {
          // Still in view at the next frame (not a transient placement the virtualizer moves away).
          if (!inView()) {
            observer.observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
            return;
          }
          state.opened = { clickAt, domAt, frameAt: w.performance.now() };
        });
      };
      observer.observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
    },
    { title, newestMessageId },
  );
}

export interface OpenTiming {
  /** Click → newest message in the DOM and in view. */
  domMs: number;
  /** Click → the next animation frame (the one that paints it). */
  frameMs: number;
}

export async function openedChat(page: Page, timeoutMs = 30_000): Promise<OpenTiming> {
  const handle = await page.waitForFunction(() => (globalThis as unknown as PageWindow).__benchUi?.opened ?? null, undefined, { timeout: timeoutMs, polling: 50 });
  const opened = (await handle.jsonValue()) as NonNullable<BenchPageState['opened']>;
  return { domMs: opened.domAt - opened.clickAt, frameMs: opened.frameAt - opened.clickAt };
}

export interface FrameStats {
  frames: number;
  deltas: number[];
  /** Distinct messages that passed through the DOM while scrolling. */
  messagesSeen: number;
  /** How far the list actually moved, in px. */
  scrolledPx: number;
}

/**
 * Scrolls the open chat's message list toward older history at `pxPerSecond` for `durationMs`, moving it in each
 * animation frame by the time since the last one (so a slow frame does not slow the scroll), and records every
 * frame's delta. `pxPerSecond` 0 records idle frames (the baseline of this machine's frame clock).
 */
export async function scrollFrames(page: Page, pxPerSecond: number, durationMs: number): Promise<FrameStats> {
  return page.evaluate(
    ({ pxPerSecond, durationMs }) =>
      new Promise<FrameStats>((resolve) => {
        const w = globalThis as unknown as PageWindow;
        const scroller = w.document.querySelector('[data-testid="message-scroller"]') as PageElement;
        const seen = new Set<string>();
        const deltas: number[] = [];
        let moved = 0;
        let previous = -1;
        let startedAt = -1;
        const collect = () => {
          const rows = scroller.querySelectorAll('[data-message-id]');
          for (let i = 0; i < rows.length; i++) seen.add(rows[i]!.getAttribute('data-message-id') ?? '');
        };
        const step = (time: number) => {
          if (previous >= 0) deltas.push(time - previous);
          else startedAt = time;
          if (pxPerSecond > 0 && previous >= 0) {
            const before = scroller.scrollTop;
            scroller.scrollTop = before - (pxPerSecond * (time - previous)) / 1000;
            moved += before - scroller.scrollTop;
            collect();
          }
          previous = time;
          if (time - startedAt < durationMs) w.requestAnimationFrame(step);
          else resolve({ frames: deltas.length, deltas, messagesSeen: seen.size, scrolledPx: Math.round(moved) });
        };
        w.requestAnimationFrame(step);
      }),
    { pxPerSecond, durationMs },
  );
}

/**
 * Arms the measurement of one send in the open chat: from the Enter keydown (its timestamp) to the message with
 * `body` appearing in the list (queued) and then showing `sent`.
 */
export async function armSend(page: Page, body: string): Promise<void> {
  await page.evaluate((body) => {
    const w = globalThis as unknown as PageWindow;
    const state: BenchPageState = (w.__benchUi ??= {});
    const sends = (state.sends ??= {});
    const record: { enterAt: number; shownAt?: number; sentAt?: number } = { enterAt: 0 };
    sends[body] = record;
    const onKey = (event: PageEvent) => {
      if (event.key !== 'Enter') return;
      record.enterAt = event.timeStamp;
      w.document.removeEventListener('keydown', onKey, { capture: true });
    };
    w.document.addEventListener('keydown', onKey, { capture: true });
    const find = (): PageElement | null => {
      const bodies = w.document.querySelectorAll('.message-own .message-body');
      for (let i = bodies.length - 1; i >= 0; i--) if (bodies[i]!.textContent === body) return bodies[i]!.closest('.message');
      return null;
    };
    const observer = new w.MutationObserver(() => {
      if (record.enterAt === 0) return;
      const message = find();
      if (!message) return;
      const now = w.performance.now();
      record.shownAt ??= now;
      if (message.querySelector('.status[data-status="sent"], .status[data-status="delivered"], .status[data-status="read"]')) {
        record.sentAt = now;
        observer.disconnect();
      }
    });
    observer.observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  }, body);
}

export interface SendTiming {
  shownMs: number;
  sentMs: number;
}

export async function sendDone(page: Page, body: string, timeoutMs = 30_000): Promise<SendTiming> {
  const handle = await page.waitForFunction(
    (body) => {
      const record = (globalThis as unknown as PageWindow).__benchUi?.sends?.[body];
      return record?.sentAt !== undefined ? record : null;
    },
    body,
    { timeout: timeoutMs, polling: 20 },
  );
  const record = (await handle.jsonValue()) as { enterAt: number; shownAt: number; sentAt: number };
  return { shownMs: record.shownAt - record.enterAt, sentMs: record.sentAt - record.enterAt };
}

/**
 * Installed before the page loads (addInitScript): notes when the chat list first shows a row for
 * `conversationId`, and when that row first shows `lastBody` (the newest message of a catch-up), in epoch ms.
 */
export function catchUpWatcher(conversationId: string, lastBody: string): string {
  const install = (conversationId: string, lastBody: string) => {
    const w = globalThis as unknown as PageWindow;
    const state: BenchPageState = (w.__benchUi ??= {});
    const catchUp: NonNullable<BenchPageState['catchUp']> = (state.catchUp = { navigationStart: w.performance.timeOrigin });
    const check = () => {
      const row = w.document.querySelector(`[data-conversation="${conversationId}"]`);
      if (!row) return;
      catchUp.firstShownAt ??= Date.now();
      if (catchUp.currentAt === undefined && row.querySelector('.chat-item-preview')?.textContent === lastBody) {
        catchUp.currentAt = Date.now();
        observer.disconnect();
      }
    };
    const observer = new w.MutationObserver(check);
    const start = () => observer.observe(w.document.body, { subtree: true, childList: true, characterData: true });
    if (w.document.body) start();
    else w.document.addEventListener('DOMContentLoaded', start, { once: true });
  };
  return `(${install.toString()})(${JSON.stringify(conversationId)}, ${JSON.stringify(lastBody)});`;
}

export async function caughtUp(page: Page, timeoutMs: number): Promise<NonNullable<BenchPageState['catchUp']>> {
  const handle = await page.waitForFunction(
    () => {
      const catchUp = (globalThis as unknown as PageWindow).__benchUi?.catchUp;
      return catchUp?.currentAt !== undefined ? catchUp : null;
    },
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as NonNullable<BenchPageState['catchUp']>;
}

/**
 * Counts rows of a store of the account's IndexedDB, read straight from IndexedDB in the page: all of them, or (with
 * `conversationId`) one conversation's through the store's `[conversationId+seq]` index.
 */
async function countInPage(page: Page, username: string, store: string, conversationId?: string): Promise<number> {
  return page.evaluate(
    ({ username, store, conversationId }) =>
      new Promise<number>((resolve, reject) => {
        const w = globalThis as unknown as PageWindow;
        const open = w.indexedDB.open(`parley-${username}`);
        open.onerror = () => reject(new Error('cannot open the database'));
        open.onsuccess = () => {
          const db = open.result;
          const rows = db.transaction(store).objectStore(store);
          const count =
            conversationId === undefined
              ? rows.count()
              : rows.index('[conversationId+seq]').count(w.IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]));
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(new Error('cannot count'));
        };
      }),
    { username, store, conversationId },
  );
}

/** Rows of one conversation in the account's IndexedDB (an index count). */
export async function storedCount(page: Page, username: string, conversationId: string): Promise<number> {
  return countInPage(page, username, 'messages', conversationId);
}

/**
 * Polls the account's IndexedDB until the search indexer's queue is empty (db/search/indexQueue.ts: nothing stored
 * waits to be indexed); resolves with the time it was first seen empty (epoch ms).
 */
export async function searchCaughtUp(page: Page, username: string, timeoutMs: number): Promise<number> {
  const givingUpAt = Date.now() + timeoutMs;
  for (;;) {
    const queued = await countInPage(page, username, 'indexQueue');
    if (queued === 0) return Date.now();
    if (Date.now() > givingUpAt) throw new Error(`the search index was still behind after ${timeoutMs} ms (${queued} queue rows)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Arms a one-shot measurement of a search typed into the sidebar's box: from the input event (its timestamp) to
 * the first frame after the "Messages found" section shows its answer (hits, or "No messages match"). The answer
 * comes after the app's typing pause (features/search/useMessageSearch.ts), which this includes.
 */
export async function armSearch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const state: BenchPageState = (w.__benchUi ??= {});
    state.searched = null;
    let inputAt = 0;
    const answered = (): number | null => {
      const section = w.document.querySelector('section[aria-label="Messages found"]');
      if (!section) return null;
      const hits = section.querySelectorAll('.search-hit').length;
      return hits > 0 || section.querySelector('[role="status"]') ? hits : null;
    };
    const observer = new w.MutationObserver(() => check());
    const check = () => {
      const hits = inputAt === 0 ? null : answered();
      if (hits === null) return;
      observer.disconnect();
      w.requestAnimationFrame(() => (state.searched = { inputAt, frameAt: w.performance.now(), hits }));
    };
    w.document.addEventListener(
      'input',
      (event: PageEvent) => {
        inputAt = event.timeStamp;
        check();
      },
      { capture: true, once: true },
    );
    observer.observe(w.document.body, { subtree: true, childList: true, characterData: true });
  });
}

export async function searched(page: Page, timeoutMs = 30_000): Promise<{ ms: number; hits: number }> {
  const handle = await page.waitForFunction(() => (globalThis as unknown as PageWindow).__benchUi?.searched ?? null, undefined, { timeout: timeoutMs, polling: 50 });
  const result = (await handle.jsonValue()) as NonNullable<BenchPageState['searched']>;
  return { ms: result.frameAt - result.inputAt, hits: result.hits };
}

export interface PurgeFrames {
  /**
   * Frame deltas (ms) of the frames that ended while expired messages, or their entries in the search index, were left
   * (from their expiry until neither is).
   */
  deltas: number[];
  /** Expiry → none of them left in IndexedDB (ms). */
  purgeMs: number;
  /** Expiry → none of them left, and no removal from the search index queued (ms). */
  indexRemovedMs: number;
  /** Fewer than `expiring` were left when recording began: the purge started before it was watched. */
  startedLate: boolean;
  /** Some were still stored when the time ran out (frames and purgeMs then cover the time watched). */
  timedOut: boolean;
  /** The browser's long animation frames (over 50 ms) while purging, longest first: what ran in them. */
  longFrames: LongFrame[];
  /** The frames over 33 ms (three vsyncs or more): when each ended, from the expiry, and how long it was (ms). */
  slowFrames: { atMs: number; deltaMs: number }[];
}

/** The fields of Chromium's PerformanceLongAnimationFrameTiming the probe reads (not in TypeScript's DOM types). */
interface LongAnimationFrame {
  startTime: number;
  duration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  blockingDuration: number;
  scripts: { invoker: string; sourceFunctionName: string; sourceURL: string; startTime: number; duration: number; forcedStyleAndLayoutDuration: number }[];
}

export interface LongFrame {
  durationMs: number;
  /** When it began, from the expiry (ms). */
  atMs: number;
  /** Time from its start to its rendering start (0: it did not render), and how much of it blocked input (ms). */
  untilRenderMs: number;
  blockingMs: number;
  /** The scripts' time in all, and in the style and layout they forced (ms). */
  scriptMs: number;
  forcedLayoutMs: number;
  /** Time from the frame's rendering start in style and layout (ms). */
  styleAndLayoutMs: number;
  /** The scripts that ran in it, longest first: where they came from and for how long (ms). */
  scripts: { invoker: string; sourceFunctionName: string; sourceURL: string; atMs: number; durationMs: number }[];
}

/**
 * A frame longer than two vsyncs (ms): animation frame times come in vsyncs of 16.7 ms, so a frame that missed one
 * measures 33.3 and the next size up 50.
 */
const OVER_TWO_VSYNCS_MS = 34;

/**
 * Records every animation frame while the app's own expiry worker purges the messages that expire at `expiresAt`
 * (epoch ms), and its search indexer takes them out of the index: counts them and the queued index removals in
 * IndexedDB every 100 ms (index counts, no row read) until neither is left.
 */
export async function purgeFrames(page: Page, username: string, expiresAt: number, expiring: number, timeoutMs: number): Promise<PurgeFrames> {
  return page.evaluate(
    ({ username, expiresAt, expiring, timeoutMs, slowOverMs }) =>
      new Promise<PurgeFrames>((resolve, reject) => {
        const w = globalThis as unknown as PageWindow;
        const expiryAt = expiresAt - w.performance.timeOrigin;
        const frames: { at: number; delta: number }[] = [];
        let previous = -1;
        let purgedAt = -1;
        let doneAt = -1;
        let startedLate = false;
        let timedOut = false;
        let firstCount = true;
        const longFrames: LongFrame[] = [];
        // Long animation frames (Chromium), with the scripts that ran in each: what a long frame was spent on.
        const observer = new w.PerformanceObserver((list) => {
          for (const entry of list.getEntries() as unknown as LongAnimationFrame[]) {
            if (entry.startTime + entry.duration < expiryAt || doneAt >= 0) continue;
            longFrames.push({
              durationMs: Math.round(entry.duration),
              atMs: Math.round(entry.startTime - expiryAt),
              untilRenderMs: Math.round(entry.renderStart > 0 ? entry.renderStart - entry.startTime : 0),
              blockingMs: Math.round(entry.blockingDuration),
              scriptMs: Math.round(entry.scripts.reduce((sum, script) => sum + script.duration, 0)),
              forcedLayoutMs: Math.round(entry.scripts.reduce((sum, script) => sum + script.forcedStyleAndLayoutDuration, 0)),
              styleAndLayoutMs: Math.round(entry.styleAndLayoutStart > 0 ? entry.startTime + entry.duration - entry.styleAndLayoutStart : 0),
              scripts: entry.scripts
                .map((script) => ({ invoker: script.invoker, sourceFunctionName: script.sourceFunctionName, sourceURL: script.sourceURL.split('/').pop() ?? '', atMs: Math.round(script.startTime - entry.startTime), durationMs: Math.round(script.duration) }))
                .sort((a, b) => b.durationMs - a.durationMs)
                .slice(0, 5),
            });
          }
        });
        observer.observe({ type: 'long-animation-frame', buffered: false });
        const open = w.indexedDB.open(`parley-${username}`);
        open.onerror = () => reject(new Error('cannot open the database'));
        open.onsuccess = () => {
          const db = open.result;
          const startedAt = w.performance.now();
          const poll = w.setInterval(() => {
            // Both counted in one transaction: what the app had committed at one moment.
            const read = db.transaction(['messages', 'indexRemovals']);
            const count = read.objectStore('messages').index('expiresAt').count(w.IDBKeyRange.bound(0, expiresAt));
            const removals = read.objectStore('indexRemovals').count();
            read.oncomplete = () => {
              if (firstCount) startedLate = count.result < expiring;
              firstCount = false;
              if (count.result === 0 && purgedAt < 0) purgedAt = w.performance.now();
              if (count.result === 0 && removals.result === 0 && doneAt < 0) doneAt = w.performance.now();
            };
            // Still not done: measured up to here, and said so (purgeMs is then the time watched).
            if (w.performance.now() - startedAt > timeoutMs && doneAt < 0) {
              timedOut = true;
              doneAt = w.performance.now();
            }
          }, 100);
          const step = (time: number) => {
            if (previous >= 0) frames.push({ at: time, delta: time - previous });
            previous = time;
            if (doneAt < 0) {
              w.requestAnimationFrame(step);
              return;
            }
            w.clearInterval(poll);
            observer.disconnect();
            db.close();
            const watched = frames.filter((frame) => frame.at >= expiryAt && frame.at - frame.delta <= doneAt);
            resolve({
              deltas: watched.map((frame) => frame.delta),
              slowFrames: watched.filter((frame) => frame.delta > slowOverMs).map((frame) => ({ atMs: Math.round(frame.at - expiryAt), deltaMs: Math.round(frame.delta) })),
              purgeMs: (purgedAt < 0 ? doneAt : purgedAt) - expiryAt,
              indexRemovedMs: doneAt - expiryAt,
              startedLate,
              timedOut,
              longFrames: longFrames.sort((a, b) => b.durationMs - a.durationMs).slice(0, 10),
            });
          };
          w.requestAnimationFrame(step);
        };
      }),
    { username, expiresAt, expiring, timeoutMs, slowOverMs: OVER_TWO_VSYNCS_MS },
  );
}
