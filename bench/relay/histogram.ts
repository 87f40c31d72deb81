// A mergeable latency histogram: log-linear buckets over microseconds (exact below 64 µs, then 64 buckets per
// power of two, i.e. under 1.6% error), so each generator process can record millions of samples in a fixed
// array and the parent can add the arrays up. Keeps the exact min, max and sum beside the buckets.

const SUB_BUCKETS = 64;
const LINEAR_LIMIT = SUB_BUCKETS;
/** Powers of two above 64 µs covered: up to 2^36 µs (19 hours), far beyond any sane latency. */
const OCTAVES = 30;
export const HISTOGRAM_BUCKETS = LINEAR_LIMIT + OCTAVES * SUB_BUCKETS;

/** Plain data, so it crosses process boundaries as it is. */
export interface HistogramData {
  counts: number[];
  count: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  private count = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  recordMs(ms: number): void {
    const us = Math.max(0, ms * 1000);
    this.counts[bucketOf(us)]! += 1;
    this.count += 1;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  toData(): HistogramData {
    return { counts: Array.from(this.counts), count: this.count, sumUs: this.sumUs, minUs: this.minUs, maxUs: this.maxUs };
  }
}

export function emptyHistogram(): HistogramData {
  return { counts: new Array<number>(HISTOGRAM_BUCKETS).fill(0), count: 0, sumUs: 0, minUs: Number.POSITIVE_INFINITY, maxUs: 0 };
}

export function mergeHistograms(parts: readonly HistogramData[]): HistogramData {
  const merged = emptyHistogram();
  for (const part of parts) {
    part.counts.forEach((n, i) => {
      merged.counts[i]! += n;
    });
    merged.count += part.count;
    merged.sumUs += part.sumUs;
    merged.minUs = Math.min(merged.minUs, part.minUs);
    merged.maxUs = Math.max(merged.maxUs, part.maxUs);
  }
  return merged;
}

/** The q-quantile (0..1) in milliseconds, or undefined for an empty histogram. q = 1 gives the exact max. */
export function quantileMs(histogram: HistogramData, q: number): number | undefined {
  if (histogram.count === 0) return undefined;
  if (q >= 1) return histogram.maxUs / 1000;
  const rank = Math.ceil(q * histogram.count);
  let seen = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    seen += histogram.counts[i]!;
    if (seen >= rank) return Math.min(histogram.maxUs, Math.max(histogram.minUs, bucketMidpointUs(i))) / 1000;
  }
  return histogram.maxUs / 1000;
}

function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT) return Math.floor(us);
  const octave = Math.floor(Math.log2(us)) - 6;
  if (octave >= OCTAVES) return HISTOGRAM_BUCKETS - 1;
  const base = 2 ** (octave + 6);
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor(((us - base) / base) * SUB_BUCKETS));
  return LINEAR_LIMIT + octave * SUB_BUCKETS + sub;
}

function bucketMidpointUs(index: number): number {
  if (index < LINEAR_LIMIT) return index + 0.5;
  const octave = Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS);
  const sub = (index - LINEAR_LIMIT) % SUB_BUCKETS;
  const base = 2 ** (octave + 6);
  return base + ((sub + 0.5) / SUB_BUCKETS) * base;
}
