// Text cut where an emoji sequence would be broken by the text font: the emoji face of the text (styles/emojiFont.ts)
// covers emoji code points only, so in a sequence that also holds a digit, '#', '*', '©', '®', '™' or an arrow (the
// keycaps 1️⃣ #️⃣, ©️, ↔️, 🙂‍↔️ "head shaking") those parts come from the text font and the emoji falls apart into a
// character and a box. Those sequences, and only those, are drawn with the whole face; other emoji stay in the text.
import { emojiFaceCovers } from '../../styles/emojiFont';

export type TextRun = { kind: 'text'; text: string } | { kind: 'whole-emoji'; text: string };

// `v` for \p{RGI_Emoji}: every recommended emoji sequence, keycaps, flags and ZWJ sequences included; a bare '1' or
// '©' without its variation selector is not one, so ordinary text never matches.
const RGI_EMOJI = new RegExp('\\p{RGI_Emoji}', 'gv');
/**
 * What every sequence the text font would break holds: the emoji variation selector or the keycap mark. Its parts
 * outside the emoji face (digits, '#', '*', '©', '®', '™', arrows) are in an RGI sequence only with one of them
 * (wholeEmojiRuns.test checks every RGI emoji). Text without either, numbers and punctuation included, is never
 * matched against RGI_EMOJI, whose first matches compile a regular expression of every emoji sequence (about 20 ms).
 */
const MAYBE_BROKEN = /[\ufe0f\u20e3]/u;

function breaksInText(sequence: string): boolean {
  for (const char of sequence) if (!emojiFaceCovers(char.codePointAt(0)!)) return true;
  return false;
}

/** `text` as runs, the sequences the text font would break on their own; one text run when there are none. */
export function wholeEmojiRuns(text: string): TextRun[] {
  if (!MAYBE_BROKEN.test(text)) return [{ kind: 'text', text }];
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(RGI_EMOJI)) {
    if (!breaksInText(match[0])) continue;
    if (match.index > last) runs.push({ kind: 'text', text: text.slice(last, match.index) });
    runs.push({ kind: 'whole-emoji', text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ kind: 'text', text: text.slice(last) });
  return runs;
}
