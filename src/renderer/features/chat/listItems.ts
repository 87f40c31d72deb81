// Turns a window of message rows into the rows of the virtualized list: day separators, the unread divider,
// messages (with the sender's name where a group needs it) and group changes. Pure, so it is tested alone.
import type { StoredMessage } from '../../db/rows';
import { dayKey } from '../../ui/time';

export type ListItem =
  | { kind: 'edge'; key: 'edge'; hasOlder: boolean }
  | { kind: 'day'; key: string; time: number }
  | { kind: 'unread'; key: 'unread'; count: number }
  | { kind: 'message'; key: string; message: StoredMessage; showSender: boolean; continued: boolean }
  | { kind: 'system'; key: string; message: StoredMessage };

export interface BuildOptions {
  isGroup: boolean;
  /** The read position when the chat was opened: the divider goes before the first incoming message after it. */
  dividerAfterSeq: number;
  hasOlder: boolean;
  /**
   * Incoming messages after `dividerAfterSeq` in the whole conversation, but those deleted for everyone (counted in
   * Dexie). The window holds only a page of them; without it the divider counts those in the window.
   */
  unreadTotal?: number;
}

/** Messages closer than this from the same sender sit together without repeating the name. */
const CONTINUATION_MS = 5 * 60_000;

export function buildItems(rows: readonly StoredMessage[], options: BuildOptions): ListItem[] {
  const items: ListItem[] = [{ kind: 'edge', key: 'edge', hasOlder: options.hasOlder }];
  // A message deleted for everyone is not unread (its tombstone stays an incoming row), as in countUnread.
  const inWindow = rows.filter((row) => row.direction === 'in' && !row.deleted && row.seq > options.dividerAfterSeq).length;
  const unread = Math.max(inWindow, options.unreadTotal ?? 0);
  let dividerPlaced = false;
  let previous: StoredMessage | null = null;
  for (const row of rows) {
    const day = dayKey(row.timestamp);
    const newDay = !previous || dayKey(previous.timestamp) !== day;
    if (newDay) items.push({ kind: 'day', key: `day:${day}`, time: row.timestamp });
    if (!dividerPlaced && unread > 0 && row.direction === 'in' && row.seq > options.dividerAfterSeq) {
      items.push({ kind: 'unread', key: 'unread', count: unread });
      dividerPlaced = true;
    }
    if (row.direction === 'system') {
      items.push({ kind: 'system', key: `m:${row.seq}`, message: row });
    } else {
      const continued =
        !newDay &&
        previous !== null &&
        previous.direction === row.direction &&
        previous.sender === row.sender &&
        row.timestamp - previous.timestamp < CONTINUATION_MS &&
        !(dividerPlaced && items[items.length - 1]?.kind === 'unread');
      items.push({ kind: 'message', key: `m:${row.seq}`, message: row, continued, showSender: options.isGroup && row.direction === 'in' && !continued });
    }
    previous = row;
  }
  return items;
}
