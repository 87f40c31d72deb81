// The rules of message actions that sender and receiver apply alike (docs/protocol.md, "Message actions"): how long
// an own message may be edited or deleted for everyone, which disappearing-message timers exist, what a reaction
// may be, and how long a quoted snippet is. Pure, so the core, the renderer and the tests share one copy.

/** An own message can be edited, or deleted for everyone, this long after it was sent. */
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How far the time an edit or delete claims may be from the relay's time of accepting it. Beyond this the action is
 * refused on receipt: a sender cannot back-date an action into the window of an old message.
 */
export const ACTION_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The quoted text a reply carries, shown when the original is gone: at most this many characters. */
export const QUOTE_SNIPPET_CHARS = 200;

/** The disappearing-message timers offered, in seconds (0 = off). */
export const EXPIRY_TIMER_CHOICES = [0, 30, 5 * 60, 60 * 60, 24 * 60 * 60, 7 * 24 * 60 * 60] as const;

/** Largest timer a peer may set (a newer Parley may offer more choices than this one shows). */
export const MAX_EXPIRY_TIMER_SECONDS = 365 * 24 * 60 * 60;

/** The quick reactions row, in order. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** A reaction is at most this many UTF-16 units (a family emoji with modifiers is about 11). */
export const MAX_REACTION_CHARS = 32;

/** A pictograph, a flag's letter, or a whole keycap (1️⃣ #️⃣ *️⃣: its digit or sign is no pictograph). */
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}|^[0-9#*]\ufe0f?\u20e3$/u;

/** One grapheme cluster that is an emoji (a pictograph, a flag or a keycap), nothing else. */
export function isSingleEmoji(text: string): boolean {
  if (text.length === 0 || text.length > MAX_REACTION_CHARS || !PICTOGRAPHIC.test(text)) return false;
  const segments = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text);
  let count = 0;
  for (const segment of segments) {
    count += 1;
    if (count > 1 || /\s/u.test(segment.segment)) return false;
  }
  return count === 1;
}

/**
 * Whether an edit or delete made at `actionAt` still falls in the window of a message sent at `sentAt`. A receiver
 * passes the earlier of the time the original claimed and the time it arrived, so a sender cannot move its own
 * message into the future to keep it editable.
 */
export function withinEditWindow(sentAt: number, actionAt: number): boolean {
  return actionAt - sentAt <= EDIT_WINDOW_MS;
}

/** Shortens a body to the quote's snippet (at most QUOTE_SNIPPET_CHARS UTF-16 units, never splitting a pair). */
export function quoteSnippet(body: string): string {
  if (body.length <= QUOTE_SNIPPET_CHARS) return body;
  let snippet = '';
  for (const point of body) {
    if (snippet.length + point.length > QUOTE_SNIPPET_CHARS - 1) break;
    snippet += point;
  }
  return `${snippet}…`;
}
