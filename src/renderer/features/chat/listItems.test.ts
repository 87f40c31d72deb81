import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../db/rows';
import { buildItems } from './listItems';

const day = (d: number, minute = 0) => new Date(2024, 4, d, 12, minute).getTime();
let seq = 0;
function row(direction: StoredMessage['direction'], sender: string, timestamp: number): StoredMessage {
  seq += 1;
  return { seq, conversationId: 'group:x', messageId: `m${seq}`, sender, direction, body: `b${seq}`, timestamp };
}

describe('list items', () => {
  it('puts a day separator before each new day and the unread divider before the first unread incoming', () => {
    seq = 0;
    const rows = [row('in', 'bob', day(1)), row('out', 'alice', day(1, 1)), row('in', 'bob', day(2)), row('in', 'carol', day(2, 1)), row('in', 'carol', day(2, 2))];
    const items = buildItems(rows, { isGroup: true, dividerAfterSeq: 2, hasOlder: false });
    expect(items.map((item) => (item.kind === 'message' ? `${item.message.body}${item.showSender ? `@${item.message.sender}` : ''}${item.continued ? '+' : ''}` : item.kind))).toEqual([
      'edge',
      'day',
      'b1@bob',
      'b2',
      'day',
      'unread',
      'b3@bob',
      'b4@carol',
      'b5+',
    ]);
    expect(items.find((item) => item.kind === 'unread')).toMatchObject({ count: 3 });
  });

  it('does not count a message deleted for everyone as unread in the divider', () => {
    seq = 0;
    const rows = [row('in', 'bob', day(1)), { ...row('in', 'bob', day(1, 1)), body: '', deleted: true as const }, row('in', 'bob', day(1, 2))];
    expect(buildItems(rows, { isGroup: false, dividerAfterSeq: 0, hasOlder: false }).find((item) => item.kind === 'unread')).toMatchObject({ count: 2 });
  });

  it('has no divider when nothing is unread, and none for own messages', () => {
    seq = 0;
    const rows = [row('in', 'bob', day(1)), row('out', 'alice', day(1, 1))];
    expect(buildItems(rows, { isGroup: false, dividerAfterSeq: 1, hasOlder: true }).map((item) => item.kind)).toEqual(['edge', 'day', 'message', 'message']);
    expect(buildItems(rows, { isGroup: false, dividerAfterSeq: Infinity, hasOlder: true }).some((item) => item.kind === 'unread')).toBe(false);
  });

  it('never shows sender names in one-to-one chats', () => {
    seq = 0;
    const items = buildItems([row('in', 'bob', day(1))], { isGroup: false, dividerAfterSeq: 0, hasOlder: false });
    expect(items.some((item) => item.kind === 'message' && item.showSender)).toBe(false);
  });

  it('names the unread total it is given when the window holds only some of them', () => {
    seq = 0;
    const rows = [row('in', 'bob', day(1)), row('in', 'bob', day(1, 1)), row('in', 'bob', day(1, 2))];
    const items = buildItems(rows, { isGroup: false, dividerAfterSeq: 1, hasOlder: false, unreadTotal: 480 });
    expect(items.find((item) => item.kind === 'unread')).toMatchObject({ count: 480 });
  });
});

