// The one table bench:ui prints: every measurement with its goal (issues 4, 13 and 14) and a verdict, the machine,
// and the reported (not measured) Signal Desktop reference for catch-up.
import type { MachineInfo } from './machine';
import type { UiBenchOptions } from './options';
import type { UiBenchResults } from './phases';
import type { Summary } from './stats';

const ms = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
const count = (value: number) => value.toLocaleString('en');
const medP95 = (summary: Summary) => `${ms(summary.median)} / ${ms(summary.p95)}`;
const medRange = (summary: Summary) => `${ms(summary.median)} [${ms(summary.min)}–${ms(summary.max)}]`;

/** Issue 13's goals: search answers, opening a sealed 100,000-message chat, every frame while purging. */
export const SEARCH_GOAL_MS = 100;
export const PURGE_FRAME_GOAL_MS = 50;
/** Keeping the search index current adds under this to the median send (Enter → sent). */
export const INDEX_SEND_GOAL = 0.1;

/** Send latency counts as flat if the long history's median is within 20% (and 15 ms) of the short one's. */
export function sendIsFlat(short: Summary, long: Summary): boolean {
  return long.median <= Math.max(short.median * 1.2, short.median + 15);
}

/** Catch-up of the default 5,000 waiting messages: stored and the chat list current within this (issue 14). */
export const CATCH_UP_GOAL_MS = 2_500;

export function renderTable(results: UiBenchResults, options: UiBenchOptions, machine: MachineInfo & { loadAverageAtEnd: number[] }): string {
  const rows: [string, string, string, string][] = [];
  const add = (what: string, value: string, goal = '', verdict = '') => rows.push([what, value, goal, verdict]);
  const { open, search, purge, scroll, memory, send, catchUp } = results;

  if (open) {
    add(`Open chat with ${count(open.history)} messages sealed at rest: click → first page painted (median / p95, n=${open.clickToFirstPageMs.n})`, medP95(open.clickToFirstPageMs), '< 150 ms', open.clickToFirstPageMs.median < 150 ? (open.clickToFirstPageMs.p95 < 150 ? 'met' : 'median met, p95 not') : 'MISSED');
    add('  … same, median [min–max]', medRange(open.clickToFirstPageMs));
    add('  … click → newest message in the DOM (median / p95)', medP95(open.clickToDomMs));
    add('  … first open (cold)', ms(open.firstOpenMs));
    add('  … same, chat with 10 messages (reference)', medP95(open.shortChatMs));
  }
  if (search) {
    for (const run of search.runs) {
      add(
        `Search “${run.query}” over ${count(search.messages)} sealed, indexed messages (app’s searchMessages, blind index; ${run.hits} hits, limit ${search.limit}): median [min–max], n=${run.engineMs.n}`,
        medRange(run.engineMs),
        `< ${SEARCH_GOAL_MS} ms`,
        run.engineMs.median < SEARCH_GOAL_MS ? 'met' : 'MISSED',
      );
      add(`  … first run (cold) / typed in the sidebar → results painted (incl. the ${search.typingPauseMs} ms typing pause; ${run.uiHits} shown)`, `${ms(run.firstEngineMs)} / ${medRange(run.typedToResultsMs)}`);
    }
  }
  if (results.sendIndex) {
    const { indexed, paused, history } = results.sendIndex;
    const added = indexed.median / paused.median - 1;
    add(
      `Send in the ${count(history)}-message chat, Enter → sent: search index kept current vs indexing paused (median / p95, n=${indexed.n} each)`,
      `${medP95(indexed)} vs ${medP95(paused)}: ${added >= 0 ? '+' : ''}${(added * 100).toFixed(1)}%`,
      `< +${INDEX_SEND_GOAL * 100}%`,
      added < INDEX_SEND_GOAL ? 'met' : 'MISSED',
    );
  }
  if (purge) {
    add(
      `Purge ${count(purge.messages)} expired disappearing messages, their chat open${options.purgeCpuThrottle > 1 ? ` (CPU throttled ×${options.purgeCpuThrottle})` : ''}: frame time while purging, median [min–max] (n=${purge.frameMs.n})`,
      medRange(purge.frameMs),
      `every frame < ${PURGE_FRAME_GOAL_MS} ms`,
      purge.startedLate ? 'n/a: started before watched' : purge.timedOut ? 'MISSED: not done in time' : purge.frameMs.max < PURGE_FRAME_GOAL_MS ? 'met' : 'MISSED',
    );
    add(
      `  … frames over 33 / over ${PURGE_FRAME_GOAL_MS} ms / purge took (expiry → none left in IndexedDB) / … and out of the search index`,
      `${purge.framesOver33Ms} / ${purge.framesOver50Ms} / ${ms(purge.purgeMs)} / ${ms(purge.indexRemovedMs)}`,
    );
  }
  if (results.idleFrames && results.frameIntervalMs !== undefined) add(`Frame clock when idle (median / p95)`, medP95(results.idleFrames));
  for (const run of scroll) {
    add(
      `Scrolling ${run.name}: frame time median / p95`,
      `${medP95(run.frameMs)}, max ${ms(run.frameMs.max)}`,
      '',
      '',
    );
    add(`  … slow frames (> 1.5 × ${(results.frameIntervalMs ?? Number.NaN).toFixed(1)} ms) / frames missed / frames`, `${run.slowFrames} / ${run.missedFrames} / ${run.frames}`, '', '');
    add(`  … messages passed, distance`, `${count(run.messagesSeen)} messages, ${count(run.scrolledPx)} px`);
  }
  if (memory) {
    add('JS heap: chat list / long chat open / after scrolling', `${memory.chatListOnly.jsHeapUsedMiB} / ${memory.longChatOpen.jsHeapUsedMiB} / ${memory.afterScrolling.jsHeapUsedMiB} MiB`);
    add('DOM nodes (renderer): chat list / long chat open / after scrolling', `${count(memory.chatListOnly.domNodes)} / ${count(memory.longChatOpen.domNodes)} / ${count(memory.afterScrolling.domNodes)}`);
    add('Elements in the document: chat list / long chat open / after scrolling', `${count(memory.chatListOnly.documentElements)} / ${count(memory.longChatOpen.documentElements)} / ${count(memory.afterScrolling.documentElements)}`);
  }

  const [shortSend, longSend] = send;
  for (const run of send) {
    add(`Send, Enter → sent, ${count(run.history)} messages of history (median / p95, n=${run.enterToSentMs.n})`, medP95(run.enterToSentMs));
    add(`  … Enter → shown as queued`, medP95(run.enterToShownMs));
  }
  if (shortSend && longSend) {
    const flat = sendIsFlat(shortSend.enterToSentMs, longSend.enterToSentMs);
    const ratio = longSend.enterToSentMs.median / shortSend.enterToSentMs.median;
    add(`Send latency growth with history (${count(longSend.history)} vs ${count(shortSend.history)})`, `× ${ratio.toFixed(2)} median`, 'no growth', flat ? 'met' : 'MISSED');
  }

  if (catchUp) {
    add(
      `Catch-up: ${count(catchUp.messages)} messages waiting on the relay → all stored, chat list current`,
      ms(catchUp.chatListCurrentMs),
      // Issue 14 (relay protocol v2) tightened issue 4's 5 s to 2.5 s.
      '< 2.5 s',
      catchUp.chatListCurrentMs < CATCH_UP_GOAL_MS && catchUp.stored === catchUp.messages + 1 ? 'met' : 'MISSED',
    );
    add('  … core started and page loaded', ms(catchUp.launchMs));
    add('  … chat first in the chat list', ms(catchUp.firstShownMs));
    add('  … core decrypted all (its receive counter)', ms(catchUp.coreDecryptedAllMs));
    const cpu = catchUp.cpuSeconds;
    add(
      '  … CPU seconds meanwhile: page / rest of Chromium (IndexedDB) / core / relay',
      `${cpu.renderer.toFixed(2)} / ${cpu.chromiumOther.toFixed(2)} / ${cpu.core.toFixed(2)} / ${cpu.relay.toFixed(2)} s`,
    );
    add('  … stored in IndexedDB afterwards / unread badge', `${count(catchUp.stored)} rows / “${catchUp.badge}”`);
    // The search index is written after storing, by the indexer in idle slices (docs/security.md §10.2): not part of
    // the goal, printed so its time is not hidden.
    add('  … search current (the indexer has caught up), from launch', ms(catchUp.searchCurrentMs));
    const searchCpu = catchUp.searchCpuSeconds;
    add(
      '  … CPU seconds until then: page / rest of Chromium (IndexedDB) / core / relay',
      `${searchCpu.renderer.toFixed(2)} / ${searchCpu.chromiumOther.toFixed(2)} / ${searchCpu.core.toFixed(2)} / ${searchCpu.relay.toFixed(2)} s`,
    );
    add('  … Signal Desktop (REPORTED by users, NOT measured here)', '“0 to 5000 in about 3 minutes”; others 5–30 min', '', 'reference');
  }

  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length), ['Measurement', 'Value', 'Goal', 'Verdict'][column]!.length));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ ').trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  const relayEnv = Object.entries(results.relay.env ?? {}).map(([key, value]) => `${key}=${value}`).join(' ');
  const seed = results.seeding.map((entry) => `${count(entry.rows)} in ${(entry.ms / 1000).toFixed(1)} s`).join(', ');
  return [
    `bench:ui — Parley browser shell: real renderer build in Chromium ${machine.chromium}, real core (Node ${machine.node}), real relay in its own process, loopback`,
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${machine.loadAverageAtEnd.join(' ')}`,
    results.seeding.length > 0
      ? `history seeded by the app's own database code in the page (rows sealed at rest under the account's history key, blind search index written, bulk writes with the app closed): ${seed}; catch-up messages sent for real by a second core through the relay`
      : 'catch-up only (--only catch-up): messages sent for real by a second core through the relay',
    `relay settings: ${relayEnv || 'defaults'}`,
    '',
    line(['Measurement', 'Value', 'Goal', 'Verdict']),
    rule,
    ...rows.map(line),
    '',
    'No peer measured for search, opening sealed history or the purge: issue 13 names no benchmark of another messenger (Signal Desktop and Element cannot run here).',
    `Signal Desktop reference: user reports in signalapp/Signal-Desktop#5030 ("loads upto 5000 messages" in "5 min to 30 mins"; a commenter: "from 0 to 5000 in about 3 minutes") and #3010 ("up to 1000 messages in its server queue. It can take minutes"). Not run here: Signal Desktop cannot run on this machine.`,
    `options: ${JSON.stringify(options)}`,
  ].join('\n');
}
