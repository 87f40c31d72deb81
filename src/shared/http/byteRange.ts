// Parses a single HTTP Range header (RFC 9110 §14.1.2) against a known length, for the relay's blob downloads and
// the app's media URLs. Several ranges are not served as multipart: the request gets the whole, which RFC 9110 allows.

export type RangeResult = { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseByteRange(header: string | undefined, length: number): RangeResult {
  if (header === undefined) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || length === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(first);
  const end = last === '' ? length - 1 : Math.min(Number(last), length - 1);
  if (!Number.isSafeInteger(start) || start >= length || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}
