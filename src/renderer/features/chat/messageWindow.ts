// Which slice of a conversation's history is loaded: a window of seqs [fromSeq, toSeq], live to the newest
// message when toSeq is null. It grows a page at a time as the user scrolls and is trimmed at the far end, so
// the rows in memory stay bounded whatever the history size.
import Dexie from 'dexie';
import type { ParleyDatabase } from '../../db/database';
import { newestSeqs, seqsAfter, seqsBefore } from '../../db/history';

export const PAGE_SIZE = 50;
/** Most rows kept loaded; past this the far end of the window is dropped. */
export const MAX_WINDOW = 250;

export interface MessageWindow {
  conversationId: string;
  fromSeq: number;
  /** Inclusive upper bound, or null: everything up to the newest message, including new arrivals. */
  toSeq: number | null;
  hasOlder: boolean;
}

async function hasBefore(db: ParleyDatabase, conversationId: string, seq: number): Promise<boolean> {
  return (await seqsBefore(db, conversationId, seq, 1)).length > 0;
}

async function hasAfter(db: ParleyDatabase, conversationId: string, seq: number): Promise<boolean> {
  return (await seqsAfter(db, conversationId, seq, 1)).length > 0;
}

/** The newest page. */
export async function latestWindow(db: ParleyDatabase, conversationId: string): Promise<MessageWindow> {
  const newest = await newestSeqs(db, conversationId, PAGE_SIZE);
  const fromSeq = newest[0];
  if (fromSeq === undefined) return { conversationId, fromSeq: 0, toSeq: null, hasOlder: false };
  return { conversationId, fromSeq, toSeq: null, hasOlder: newest.length === PAGE_SIZE && (await hasBefore(db, conversationId, fromSeq)) };
}

/** Opens at the newest page, or at the unread divider when more than a page is unread. */
export async function openWindow(db: ParleyDatabase, conversationId: string, lastReadSeq: number): Promise<MessageWindow> {
  const latest = await latestWindow(db, conversationId);
  const firstUnread = (await db.messages
    .where('[conversationId+direction+seq]')
    .between([conversationId, 'in', lastReadSeq], [conversationId, 'in', Dexie.maxKey], false, true)
    .limit(1)
    .primaryKeys()) as number[];
  const unreadSeq = firstUnread[0];
  if (unreadSeq === undefined || unreadSeq >= latest.fromSeq) return latest;
  const context = await seqsBefore(db, conversationId, unreadSeq, 5);
  const fromSeq = context[0] ?? unreadSeq;
  const page = await seqsAfter(db, conversationId, fromSeq - 1, PAGE_SIZE);
  const last = page[page.length - 1] ?? fromSeq;
  return {
    conversationId,
    fromSeq,
    toSeq: (await hasAfter(db, conversationId, last)) ? last : null,
    hasOlder: await hasBefore(db, conversationId, fromSeq),
  };
}

/** A page around one message (a quote was clicked): half a page before it, the rest after; live if that reaches the end. */
export async function windowAround(db: ParleyDatabase, conversationId: string, seq: number): Promise<MessageWindow> {
  const before = await seqsBefore(db, conversationId, seq, PAGE_SIZE / 2);
  const fromSeq = before[0] ?? seq;
  const page = await seqsAfter(db, conversationId, fromSeq - 1, PAGE_SIZE);
  const last = page[page.length - 1] ?? seq;
  return {
    conversationId,
    fromSeq,
    toSeq: (await hasAfter(db, conversationId, last)) ? last : null,
    hasOlder: await hasBefore(db, conversationId, fromSeq),
  };
}

/** One page further back; drops the newest rows past MAX_WINDOW (the window stops being live then). */
export async function loadOlder(db: ParleyDatabase, window: MessageWindow, loadedSeqs: readonly number[]): Promise<MessageWindow> {
  if (!window.hasOlder) return window;
  const older = await seqsBefore(db, window.conversationId, window.fromSeq, PAGE_SIZE);
  const fromSeq = older[0];
  if (fromSeq === undefined) return { ...window, hasOlder: false };
  const hasOlder = older.length === PAGE_SIZE && (await hasBefore(db, window.conversationId, fromSeq));
  const combined = [...older, ...loadedSeqs];
  const toSeq = combined.length > MAX_WINDOW ? (combined[MAX_WINDOW - 1] ?? window.toSeq) : window.toSeq;
  return { ...window, fromSeq, toSeq, hasOlder };
}

/** One page further forward (becoming live at the newest); drops the oldest rows past MAX_WINDOW. */
export async function loadNewer(db: ParleyDatabase, window: MessageWindow, loadedSeqs: readonly number[]): Promise<MessageWindow> {
  if (window.toSeq === null) return window;
  const newer = await seqsAfter(db, window.conversationId, window.toSeq, PAGE_SIZE);
  const last = newer[newer.length - 1];
  const toSeq = last !== undefined && newer.length === PAGE_SIZE && (await hasAfter(db, window.conversationId, last)) ? last : null;
  const combined = [...loadedSeqs, ...newer];
  if (combined.length <= MAX_WINDOW) return { ...window, toSeq };
  return { ...window, toSeq, fromSeq: combined[combined.length - MAX_WINDOW] ?? window.fromSeq, hasOlder: true };
}

/**
 * A live window grows as messages arrive. While the user reads the newest messages the oldest are dropped;
 * while they read older history the window stops following (a "new messages" button takes them down).
 */
export function trimLiveWindow(window: MessageWindow, loadedSeqs: readonly number[], atBottom: boolean): MessageWindow {
  if (window.toSeq !== null || loadedSeqs.length <= MAX_WINDOW + PAGE_SIZE) return window;
  if (atBottom) return { ...window, fromSeq: loadedSeqs[loadedSeqs.length - MAX_WINDOW] ?? window.fromSeq, hasOlder: true };
  return { ...window, toSeq: loadedSeqs[MAX_WINDOW - 1] ?? null };
}
