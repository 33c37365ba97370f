// How long runs are kept (RUN_RETENTION_DAYS, failed ones RUN_RETENTION_FAILED_DAYS, test runs a
// day: TEST_RUN_RETENTION_MS, or less when the others are shorter) and the
// pruning pass the daily `prune-runs` function makes: batch by batch, each batch its own short
// statement, so the app never waits on a long lock. What the metrics count stays in the
// rollups (lib/db/rollup-queries.ts); a pruned run's thread card keeps its stored summary.
import "server-only";
import { listWorkflowIdsWithRuns, pruneRunsBatch } from "@/lib/db/retention-queries";
import { env } from "@/lib/env";

const DAY_MS = 86_400_000;

/**
 * How long an ended test run is kept: long enough to read its card the next morning, not
 * longer — it counts nowhere, and it may hold what the person's real reads returned.
 */
export const TEST_RUN_RETENTION_MS = DAY_MS;

export const PRUNE_BATCH = 1000;

/** `testBefore` may be missing from a pass memoized before test runs had their own. */
export type Cutoffs = { before: string; failedBefore: string; testBefore?: string };

/** The creation times before which ended runs (failed ones, test runs) are pruned, as of `now`. */
export function retentionCutoffs(now: Date, config = env()): Cutoffs {
  const keep = Math.min(TEST_RUN_RETENTION_MS, config.RUN_RETENTION_DAYS * DAY_MS);
  return {
    before: new Date(now.getTime() - config.RUN_RETENTION_DAYS * DAY_MS).toISOString(),
    failedBefore: new Date(now.getTime() - config.RUN_RETENTION_FAILED_DAYS * DAY_MS).toISOString(),
    testBefore: new Date(now.getTime() - keep).toISOString(),
  };
}

/**
 * Prunes up to `maxBatches` batches of `batch` runs past their cutoffs, workflow by workflow.
 * `more` says whether a batch came back full (call again).
 */
export async function pruneOldRuns({
  cutoffs,
  batch = PRUNE_BATCH,
  maxBatches = 20,
}: {
  cutoffs: Cutoffs;
  batch?: number;
  maxBatches?: number;
}): Promise<{ deleted: number; more: boolean }> {
  const before = new Date(cutoffs.before);
  const failedBefore = new Date(cutoffs.failedBefore);
  const testBefore = new Date(cutoffs.testBefore ?? cutoffs.before);
  let deleted = 0;
  let batches = 0;
  for (const workflowId of await listWorkflowIdsWithRuns()) {
    for (;;) {
      if (batches >= maxBatches) return { deleted, more: true };
      const n = await pruneRunsBatch({ workflowId, before, failedBefore, testBefore, batch });
      batches++;
      deleted += n;
      if (n < batch) break;
    }
  }
  return { deleted, more: false };
}
