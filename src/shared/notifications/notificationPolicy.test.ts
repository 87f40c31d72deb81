import { describe, expect, it } from 'vitest';
import { MAX_NOTIFICATION_TEXT, isMuted, muteFor, notificationContent, shouldNotify } from './notificationPolicy';

const NOW = 1_800_000_000_000;
const context = { windowFocused: true, openConversationId: 'dm:carol', mute: null, now: NOW };

describe('shouldNotify', () => {
  it('notifies for another chat, or any chat while the window is in the background', () => {
    expect(shouldNotify({ conversationId: 'dm:bob', fromMe: false }, context)).toBe(true);
    expect(shouldNotify({ conversationId: 'dm:carol', fromMe: false }, { ...context, windowFocused: false })).toBe(true);
    expect(shouldNotify({ conversationId: 'dm:carol', fromMe: false }, { ...context, openConversationId: null })).toBe(true);
  });

  it('stays silent for the chat the user is looking at, for own messages, and for muted chats', () => {
    expect(shouldNotify({ conversationId: 'dm:carol', fromMe: false }, context)).toBe(false);
    expect(shouldNotify({ conversationId: 'dm:bob', fromMe: true }, context)).toBe(false);
    expect(shouldNotify({ conversationId: 'dm:bob', fromMe: false }, { ...context, mute: 'always' })).toBe(false);
    expect(shouldNotify({ conversationId: 'dm:bob', fromMe: false }, { ...context, mute: NOW + 1 })).toBe(false);
    expect(shouldNotify({ conversationId: 'dm:bob', fromMe: false }, { ...context, mute: NOW })).toBe(true);
  });
});

describe('mutes', () => {
  it('last one hour, eight hours, or always, and can be lifted', () => {
    expect(muteFor('1h', NOW)).toBe(NOW + 3_600_000);
    expect(muteFor('8h', NOW)).toBe(NOW + 8 * 3_600_000);
    expect(muteFor('always', NOW)).toBe('always');
    expect(muteFor('off', NOW)).toBeNull();
    expect(isMuted(muteFor('1h', NOW), NOW + 3_599_999)).toBe(true);
    expect(isMuted(muteFor('1h', NOW), NOW + 3_600_000)).toBe(false);
    expect(isMuted(undefined, NOW)).toBe(false);
  });
});

describe('notificationContent', () => {
  const one = [{ sender: 'bob', text: 'Are we still on for tonight?' }];

  it('shows name and text, name only, or nothing, as the user chose', () => {
    expect(notificationContent('name-and-text', one, null)).toEqual({ title: '\u2068bob\u2069', body: 'Are we still on for tonight?', dir: 'auto' });
    expect(notificationContent('name-only', one, null)).toEqual({ title: '\u2068bob\u2069', body: 'New message', dir: 'auto' });
    expect(notificationContent('nothing', one, null)).toEqual({ title: 'Parley', body: 'New message', dir: 'auto' });
    expect(notificationContent('nothing', one, 'Secret plans').title).toBe('Parley');
  });

  it('names the group and its sender, and sums up several messages in one notification', () => {
    const burst = [
      { sender: 'bob', text: 'first' },
      { sender: 'carol', text: 'second' },
      { sender: 'bob', text: 'third' },
    ];
    expect(notificationContent('name-and-text', one, 'Hiking')).toMatchObject({ title: '\u2068bob\u2069 in \u2068Hiking\u2069' });
    expect(notificationContent('name-and-text', burst, 'Hiking')).toEqual({ title: '\u20682 people\u2069 in \u2068Hiking\u2069', body: 'third\n(3 new messages)', dir: 'auto' });
    expect(notificationContent('name-only', burst, null).body).toBe('3 new messages');
  });

  it('keeps right-to-left names and text intact, isolated from the words around them', () => {
    const content = notificationContent('name-and-text', [{ sender: 'دانا', text: 'שלום, מה נשמע?' }], 'קבוצה');
    expect(content.title).toBe('\u2068دانا\u2069 in \u2068קבוצה\u2069');
    expect(content.body).toBe('שלום, מה נשמע?');
    expect(content.dir).toBe('auto');
  });

  it('shortens long text without cutting a character in half, and flattens line breaks', () => {
    const long = '👍'.repeat(MAX_NOTIFICATION_TEXT + 20);
    const body = notificationContent('name-and-text', [{ sender: 'bob', text: long }], null).body;
    expect([...body]).toHaveLength(MAX_NOTIFICATION_TEXT);
    expect(body.endsWith('👍…')).toBe(true);
    expect(notificationContent('name-and-text', [{ sender: 'bob', text: 'a\n\nb' }], null).body).toBe('a b');
  });
});
