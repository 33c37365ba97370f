// Retry delays. The default follows Inngest's Go executor (pkg/backoff): 15s, 30s, 1m, 2m…
// doubling up to a day, plus up to 10% jitter so retries of many runs spread out.
export type Backoff = (attempt: number) => number;

const BASE_MS = 15_000;
const MAX_MS = 24 * 3_600_000;

export const defaultBackoff: Backoff = (attempt) => {
  const delay = Math.min(BASE_MS * 2 ** Math.max(0, attempt), MAX_MS);
  return Math.round(delay + Math.random() * delay * 0.1);
};
