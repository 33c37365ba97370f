// Percentiles read from log buckets stay within half a bucket of the exact value.
import { describe, expect, it } from "vitest";
import {
  BUCKET_COUNT,
  bucketOf,
  histogramOf,
  mergeHistograms,
  percentile,
} from "@/lib/workflows/duration-histogram";

function exact(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe("duration histogram", () => {
  it("puts sub-millisecond durations in bucket 0 and caps the longest", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.4)).toBe(0);
    expect(bucketOf(1)).toBe(1);
    expect(bucketOf(2)).toBe(5);
    expect(bucketOf(8)).toBe(13);
    expect(bucketOf(1e15)).toBe(BUCKET_COUNT - 1);
  });

  it("reads p50 and p95 within 9.1 % of the exact nearest-rank value", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 500) }, () =>
        Math.round(1 + random() ** 3 * 600_000),
      );
      for (const q of [0.5, 0.95]) {
        const want = exact(values, q);
        const got = percentile(histogramOf(values), q) as number;
        expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 0.0906 + 1);
      }
    }
  });

  it("merges histograms as if their durations were one list", () => {
    const a = [5, 90, 1200];
    const b = [7, 7, 30_000];
    expect(mergeHistograms(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
    expect(percentile({}, 0.5)).toBeNull();
  });
});
