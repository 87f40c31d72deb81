// The part of a long message a search result shows: up to `width` characters around the first highlighted word,
// with the highlight ranges moved to match, and an ellipsis where text was cut.
export interface Range {
  start: number;
  end: number;
}

export function snippet(text: string, ranges: readonly Range[], width = 90): { text: string; ranges: Range[] } {
  if (text.length <= width) return { text, ranges: [...ranges] };
  const first = ranges[0]?.start ?? 0;
  let from = Math.max(0, first - Math.floor(width / 3));
  const to = Math.min(text.length, from + width);
  from = Math.max(0, to - width);
  const prefix = from > 0 ? '…' : '';
  const suffix = to < text.length ? '…' : '';
  const shift = prefix.length - from;
  return {
    text: `${prefix}${text.slice(from, to)}${suffix}`,
    ranges: ranges.filter((range) => range.start >= from && range.end <= to).map((range) => ({ start: range.start + shift, end: range.end + shift })),
  };
}
