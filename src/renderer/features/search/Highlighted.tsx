// Text with some ranges marked (<mark>): the words a search matched.
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
      {parts.map((part, index) => (typeof part === 'string' ? part : <mark key={index}>{part.marked}</mark>))}
    </>
  );
}
