// The virtualized message history of one chat (@tanstack/react-virtual, anchored at the end like a chat):
// only the rows in view are in the DOM, only a bounded window of history is in memory, and paging older or
// newer happens as the user nears either edge. It opens at the unread divider or at the newest message and
// stays there while rows measure and banners come and go (useScrollPin); it follows new messages only while the
// user is at the bottom.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { countUnread } from '../../db/conversations';
import type { ParleyDatabase } from '../../db/database';
import { screenWork } from '../../db/screenWork';
import { Icon } from '../../ui/Icon';
import { formatDay } from '../../ui/time';
import { linkedDeviceLine } from '../devices/deviceText';
import { admissionUndoneLine } from '../groups/invites/inviteText';
import { describeUpdate } from '../groups/describeUpdate';
import { buildItems, type ListItem } from './listItems';
import { MessageBubble } from './MessageBubble';
import { moveMessageFocus } from './messageFocus';
import { describeTimer } from './describeTimer';
import { useJumpToMessage } from './useJumpToMessage';
import { markSeen, windowIsVisible } from './readMarker';
import { useMessageWindow } from './useMessageWindow';
import { useScrollPin } from './useScrollPin';

export interface MessageListProps {
  db: ParleyDatabase;
  conversationId: string;
  title: string;
  isGroup: boolean;
  me: string;
  /** The read position when the chat opened (null until known). */
  openAtReadSeq: number | null;
  /** Where the unread divider goes (Infinity hides it). */
  dividerAfterSeq: number;
  /** Changes when the user sent a message: jump to the newest. */
  followSignal: number;
  /** A message to jump to and mark (a search hit); a new nonce jumps again. */
  focus: { seq: number; nonce: number } | null;
}

const ESTIMATES: Record<ListItem['kind'], number> = { edge: 72, day: 44, unread: 44, system: 36, message: 60 };
const END_THRESHOLD_PX = 48;
const READ_DELAY_MS = 300;

export function MessageList({ db, conversationId, title, isGroup, me, openAtReadSeq, dividerAfterSeq, followSignal, focus }: MessageListProps) {
  const history = useMessageWindow(db, conversationId, openAtReadSeq, focus?.seq ?? null, focus?.nonce ?? null);
  const { window: slice, rows } = history;
  // The divider names every unread message, not only those in the loaded page (an index count, bounded by them).
  const unreadTotal = useLiveQuery(
    () => (Number.isFinite(dividerAfterSeq) ? countUnread(db, conversationId, dividerAfterSeq) : 0),
    [db, conversationId, dividerAfterSeq],
  );
  const items = useMemo(
    () => (rows && slice ? buildItems(rows, { isGroup, dividerAfterSeq, hasOlder: slice.hasOlder, unreadTotal }) : []),
    [rows, slice, isGroup, dividerAfterSeq, unreadTotal],
  );
  const live = slice?.toSeq === null;
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const getItemKey = useCallback((index: number) => items[index]?.key ?? index, [items]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => ESTIMATES[items[index]?.kind ?? 'message'],
    getItemKey,
    anchorTo: 'end',
    scrollEndThreshold: END_THRESHOLD_PX,
    overscan: 8,
  });

  // A message to jump to: scrolled to once its row is loaded (before the first position, which it replaces).
  const focusing = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (focus) focusing.current = focus.seq;
  }, [focus]);

  // First position: the unread divider if there is one, else the newest message (or the message jumped to); held
  // there until the user scrolls. Later, a window that reaches the newest rows again (after "jump to newest") is
  // held at the end.
  const { pinToEnd, pinToItem } = useScrollPin(scroller, canvas, END_THRESHOLD_PX, live);
  const itemsNow = useRef(items);
  itemsNow.current = items;
  const positioned = useRef(false);
  const wantEnd = useRef(false);
  useLayoutEffect(() => {
    if (!rows || items.length === 0) return;
    if (focusing.current !== null) {
      const index = items.findIndex((item) => (item.kind === 'message' || item.kind === 'system') && item.message.seq === focusing.current);
      if (index >= 0) {
        const seq = focusing.current;
        focusing.current = null;
        positioned.current = true;
        pinToItem(() => {
          const target = itemsNow.current.findIndex((item) => (item.kind === 'message' || item.kind === 'system') && item.message.seq === seq);
          if (target >= 0) virtualizer.scrollToIndex(target, { align: 'center' });
        });
        return;
      }
      if (!positioned.current) return;
    }
    if (!positioned.current) {
      positioned.current = true;
      if (items.some((item) => item.kind === 'unread')) {
        pinToItem(() => {
          const divider = itemsNow.current.findIndex((item) => item.kind === 'unread');
          if (divider >= 0) virtualizer.scrollToIndex(divider, { align: 'start' });
        });
      } else {
        virtualizer.scrollToEnd();
        pinToEnd();
      }
    } else if (wantEnd.current && live) {
      wantEnd.current = false;
      virtualizer.scrollToEnd();
      pinToEnd();
    }
  }, [items, rows, live, virtualizer, focus, pinToEnd, pinToItem]);

  const showLatest = useCallback(() => {
    wantEnd.current = true;
    if (live) {
      wantEnd.current = false;
      virtualizer.scrollToEnd();
      pinToEnd();
    } else {
      void history.showLatest();
    }
  }, [live, virtualizer, history, pinToEnd]);

  const lastSignal = useRef(followSignal);
  useEffect(() => {
    if (followSignal !== lastSignal.current) {
      lastSignal.current = followSignal;
      showLatest();
    }
  }, [followSignal, showLatest]);

  useJumpToMessage({
    db,
    conversationId,
    items,
    showAround: history.showAround,
    scrollToIndex: useCallback((index: number) => virtualizer.scrollToIndex(index, { align: 'center' }), [virtualizer]),
    container: useCallback(() => scroller.current, []),
  });

  const virtualItems = virtualizer.getVirtualItems();
  const firstIndex = virtualItems[0]?.index;
  const lastIndex = virtualItems[virtualItems.length - 1]?.index;
  const atEnd = live && virtualizer.isAtEnd(END_THRESHOLD_PX);

  // Page in more history near either edge.
  const { loadOlder, loadNewer, trim } = history;
  useEffect(() => {
    if (!positioned.current || firstIndex === undefined || lastIndex === undefined || !slice) return;
    if (firstIndex <= 2 && slice.hasOlder) loadOlder();
    else if (lastIndex >= items.length - 3 && slice.toSeq !== null) loadNewer();
  }, [firstIndex, lastIndex, items.length, slice, loadOlder, loadNewer]);

  // A live window grows as messages arrive; keep it bounded.
  useEffect(() => {
    trim(atEnd);
  }, [rows, atEnd, trim]);

  // Read: the newest incoming message actually in view, while the window is visible. History brought from another
  // device has negative seqs (db/historyImport.ts), so "none seen" is -Infinity, not 0.
  const offset = virtualizer.scrollOffset ?? 0;
  const height = virtualizer.scrollRect?.height ?? 0;
  let newestSeen = -Infinity;
  for (const virtualItem of virtualItems) {
    const item = items[virtualItem.index];
    if (item?.kind !== 'message' || item.message.direction !== 'in') continue;
    if (virtualItem.end > offset && virtualItem.start < offset + height) newestSeen = Math.max(newestSeen, item.message.seq);
  }
  const seen = useRef(-Infinity);
  seen.current = Math.max(seen.current, newestSeen);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const mark = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (seen.current > -Infinity && windowIsVisible()) screenWork('chat.mark_seen_failed', markSeen(db, conversationId, seen.current));
      }, READ_DELAY_MS);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [db, conversationId, newestSeen]);

  return (
    <div className="message-list-frame">
      <div
        ref={scroller}
        className="message-scroller"
        role="log"
        aria-label={`Messages with ${title}`}
        tabIndex={0}
        data-testid="message-scroller"
        onKeyDown={(event) => {
          // Keys pressed in what a message opened (its menu, the reaction picker) reach here too (React portals
          // bubble through the component tree): those are theirs.
          if (!scroller.current || !(event.target instanceof Node) || !scroller.current.contains(event.target)) return;
          const direction = event.key === 'ArrowUp' ? 'up' : event.key === 'ArrowDown' ? 'down' : null;
          if (direction && moveMessageFocus(scroller.current, event.target, direction)) event.preventDefault();
        }}
      >
        <div ref={canvas} className="message-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((virtualItem) => {
            const item = items[virtualItem.index];
            if (!item) return null;
            return (
              <div
                key={virtualItem.key}
                data-index={virtualItem.index}
                ref={virtualizer.measureElement}
                className="virtual-row"
                data-focused={focus && (item.kind === 'message' || item.kind === 'system') && item.message.seq === focus.seq ? true : undefined}
                style={{ transform: `translateY(${virtualItem.start}px)` }}
              >
                <Row item={item} me={me} />
              </div>
            );
          })}
        </div>
      </div>
      {(!atEnd || !live) && rows && rows.length > 0 && (
        <button type="button" className="jump-latest" onClick={showLatest} aria-label="Jump to the newest message">
          <Icon name="down" />
        </button>
      )}
    </div>
  );
}

function Row({ item, me }: { item: ListItem; me: string }) {
  switch (item.kind) {
    case 'edge':
      return (
        <div className="history-edge">
          {item.hasOlder ? (
            'Loading earlier messages…'
          ) : (
            <>
              <Icon name="shield" size={16} /> Messages in this chat are end-to-end encrypted.
            </>
          )}
        </div>
      );
    case 'day':
      return (
        <div className="day-separator">
          <span>{formatDay(item.time)}</span>
        </div>
      );
    case 'unread':
      return (
        <div className="unread-divider" data-testid="unread-divider">
          <span>
            {item.count} unread message{item.count === 1 ? '' : 's'}
          </span>
        </div>
      );
    case 'system':
      return (
        <div className="system-row">
          {item.message.update ? describeUpdate(item.message.update, me) : item.message.timer
              ? describeTimer(item.message.timer.seconds, item.message.sender, me)
              : item.message.linkedDevice !== undefined
                ? linkedDeviceLine(item.message.sender)
                : item.message.admissionUndone
                  ? admissionUndoneLine(item.message.sender)
                  : ''}
        </div>
      );
    case 'message':
      return <MessageBubble message={item.message} showSender={item.showSender} continued={item.continued} me={me} />;
  }
}
