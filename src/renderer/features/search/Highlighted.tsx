// Text with some ranges marked (<mark>): the words a search matched; its emoji drawn whole (EmojiSafeText).
import { EmojiSafeText } from '../emoji/EmojiSafeText';
import type { Range } from './snippet';

export function Highlighted({ text, ranges }: { text: string; ranges: readonly Range[] }) {
  const parts: (string | { marked: string })[] = [];
  let at = 0;
  for (const range of ranges) {
    if (range.start < at) continue;
    if (range.start > at) parts.push(text.slice(at, range.start));
    parts.push({ marked: text.slice(range.start, range.end) });
    at = range.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return (
    <>
      {parts.map((part, index) =>
        typeof part === 'string' ? (
          <EmojiSafeText key={index} text={part} />
        ) : (
          <mark key={index}>
            <EmojiSafeText text={part.marked} />
          </mark>
        ),
      )}
    </>
  );
}
