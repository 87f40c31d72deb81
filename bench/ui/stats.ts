// Order statistics for bench:ui (nearest-rank percentiles over all samples; no sample is dropped).

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 50), p95: percentile(sorted, 95), min: sorted[0] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Frames slower than 1.5 refresh intervals, and the frames they swallowed. */
export function droppedFrames(deltas: readonly number[], intervalMs: number): { slowFrames: number; missedFrames: number } {
  let slowFrames = 0;
  let missedFrames = 0;
  for (const delta of deltas) {
    if (delta > intervalMs * 1.5) {
      slowFrames++;
      missedFrames += Math.round(delta / intervalMs) - 1;
    }
  }
  return { slowFrames, missedFrames };
}
