// A message of one to three emoji and nothing else is drawn large, as people expect from other messengers; any
// other text (a letter, a digit, a link, a mention) keeps the normal size.

/** The most emoji a message may hold and still be drawn large. */
export const JUMBO_EMOJI_MAX = 3;

const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Longer than any three emoji, even family sequences with skin tones: no need to segment a long text. */
const MAX_CHARS = 3 * 35;

let segmenter: Intl.Segmenter | undefined;

/** Whether one grapheme is an emoji: a pictograph (with its modifiers and joins), a flag or a keycap. */
function isEmojiGrapheme(grapheme: string): boolean {
  if (FLAG.test(grapheme) || KEYCAP.test(grapheme)) return true;
  return PICTOGRAPH.test(grapheme) && !LETTER_OR_DIGIT.test(grapheme);
}

/** How many emoji `text` holds when it is only emoji (spaces between them allowed), up to three; otherwise 0. */
export function jumboEmojiCount(text: string): number {
  if (text.length === 0 || text.length > MAX_CHARS) return 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!isEmojiGrapheme(segment) || ++count > JUMBO_EMOJI_MAX) return 0;
  }
  return count;
}
