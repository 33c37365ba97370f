// Durations kept as counts in fixed logarithmic buckets, so p50/p95 can be read from summed
// rollups without keeping every duration. Bucket 0 holds [0, 1 ms); bucket i ≥ 1 holds
// [2^((i-1)/4), 2^(i/4)) ms, four buckets per doubling, up to bucket 128 (≥ 2^31.75 ms, about
// 42 days, which also takes anything longer). A percentile reads as the geometric middle of
// the bucket its rank falls in, so it is within 2^(1/8) − 1 ≈ 9.1 % of the exact value.
// Pure: the SQL that fills the same buckets is `bucketSql` in lib/db/history-sql.ts.

export const BUCKETS_PER_DOUBLING = 4;
export const BUCKET_COUNT = 129;

/** Sparse counts: bucket index (as a string, like jsonb keys) → how many durations. */
export type Histogram = Record<string, number>;

/** The bucket of a duration (the epsilon keeps exact powers of two stable across float libraries). */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(BUCKET_COUNT - 1, 1 + Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING + 1e-9));
}

/** The value a bucket stands for: the geometric middle of its bounds, in whole ms. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING));
}

export function histogramOf(durations: number[]): Histogram {
  const histogram: Histogram = {};
  for (const ms of durations) {
    const key = String(bucketOf(ms));
    histogram[key] = (histogram[key] ?? 0) + 1;
  }
  return histogram;
}

export function mergeHistograms(...histograms: Histogram[]): Histogram {
  const merged: Histogram = {};
  for (const histogram of histograms) {
    for (const [key, count] of Object.entries(histogram)) merged[key] = (merged[key] ?? 0) + count;
  }
  return merged;
}

/** The q-quantile (0 < q ≤ 1) by nearest rank, or null for an empty histogram. */
export function percentile(histogram: Histogram, q: number): number | null {
  const entries = Object.entries(histogram)
    .map(([key, count]) => [Number(key), Number(count)] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, count] of entries) {
    seen += count;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(entries[entries.length - 1][0]);
}
