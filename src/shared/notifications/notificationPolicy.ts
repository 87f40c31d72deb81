// When a new message makes an OS notification, and what it says. Pure, so every rule is unit-tested: never for
// your own messages, never for a muted chat, never for the chat open in a focused window; the text follows the
// user's preview setting. Names in the title are bidi-isolated (FSI…PDI), so a right-to-left name or group name
// shows correctly next to left-to-right words, and the notification's direction follows its text (dir "auto").
import type { NotificationPreview } from '../ipc';

/** A chat's mute: muted until a time (epoch ms), muted always, or not muted. */
export type Mute = number | 'always' | null | undefined;
export type MuteChoice = '1h' | '8h' | 'always' | 'off';

const HOUR_MS = 3_600_000;

export function muteFor(choice: MuteChoice, now: number): Exclude<Mute, undefined> {
  switch (choice) {
    case '1h':
      return now + HOUR_MS;
    case '8h':
      return now + 8 * HOUR_MS;
    case 'always':
      return 'always';
    case 'off':
      return null;
  }
}

export function isMuted(mute: Mute, now: number): boolean {
  return mute === 'always' || (typeof mute === 'number' && mute > now);
}

export interface NotifyContext {
  /** The app window has focus (the user is looking at Parley). */
  windowFocused: boolean;
  /** The chat on screen, if any. */
  openConversationId: string | null;
  mute: Mute;
  now: number;
}

export function shouldNotify(message: { conversationId: string; fromMe: boolean }, context: NotifyContext): boolean {
  if (message.fromMe) return false;
  if (isMuted(context.mute, context.now)) return false;
  return !(context.windowFocused && context.openConversationId === message.conversationId);
}

export interface NotifiedMessage {
  sender: string;
  text: string;
}

export interface NotificationContent {
  title: string;
  body: string;
  dir: 'auto';
}

/** Text longer than this is cut (by characters, never inside a surrogate pair) with an ellipsis. */
export const MAX_NOTIFICATION_TEXT = 180;

const isolate = (text: string) => `\u2068${text}\u2069`;

/**
 * The notification for new messages in one chat (`messages` oldest first, at least one). `group` is the group's
 * name, or null for a one-to-one chat.
 */
export function notificationContent(preview: NotificationPreview, messages: readonly NotifiedMessage[], group: string | null): NotificationContent {
  const latest = messages[messages.length - 1];
  if (!latest) throw new RangeError('a notification needs a message');
  if (preview === 'nothing') return { title: 'Parley', body: messages.length === 1 ? 'New message' : `${messages.length} new messages`, dir: 'auto' };
  const senders = [...new Set(messages.map((message) => message.sender))];
  const title = group === null ? isolate(latest.sender) : `${isolate(senders.length === 1 ? latest.sender : `${senders.length} people`)} in ${isolate(group)}`;
  if (preview === 'name-only') return { title, body: messages.length === 1 ? 'New message' : `${messages.length} new messages`, dir: 'auto' };
  const text = shorten(latest.text);
  return { title, body: messages.length === 1 ? text : `${text}\n(${messages.length} new messages)`, dir: 'auto' };
}

function shorten(text: string): string {
  const characters = [...text.replace(/\s+/g, ' ').trim()];
  return characters.length <= MAX_NOTIFICATION_TEXT ? characters.join('') : `${characters.slice(0, MAX_NOTIFICATION_TEXT - 1).join('')}…`;
}
