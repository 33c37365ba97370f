// A bulk action on runs (lib/runs/bulk.ts) as a durable job: `start` marks it running, then one
// step per batch of runs (`batch-<n>`, lib/runs/bulk-job.ts) until a batch comes back short,
// then `finish`. Each batch keeps its place in `bulk_actions.cursor`, so a crash or a retry
// resumes after the last recorded batch and acts on no run twice. One bulk action of a person
// runs at a time; the runs it starts queue behind execute-workflow's per-person concurrency.
// Step ids (`start`, `batch-<n>`, `finish`) must not change: actions in flight replay them.
import "server-only";
import type { Inngest } from "inngest";
import { finishBulkAction, getBulkActionById, markBulkActionRunning } from "@/lib/db/bulk-queries";
import { runBulkBatch } from "@/lib/runs/bulk-job";
import { bulkRerunBatch, type RerunBatch } from "@/lib/runs/bulk-rerun";
import { bulkRequested } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";

export const BULK_RUNS_ID = "bulk-runs";
/** 100,000 runs in batches of 200; the engine's step limit is far beyond. */
const MAX_BATCHES = 500;

export type BulkRunsOptions = {
  client: Inngest.Any;
  /** How a batch of runs is re-run (default `bulkRerunBatch`, lib/runs/bulk-rerun.ts). */
  rerunBatch?: RerunBatch;
  /** Runs per batch step (tests make it small). */
  bulkBatchSize?: number;
};

export function createBulkRuns({
  client,
  rerunBatch = bulkRerunBatch,
  bulkBatchSize,
}: BulkRunsOptions) {
  return client.createFunction(
    {
      id: BULK_RUNS_ID,
      name: "Bulk action on runs",
      triggers: [bulkRequested],
      middleware: functionMiddleware,
      retries: 5,
      concurrency: { limit: 1, key: "event.data.userId" },
      onFailure: async ({ event, step }) => {
        const data = (event.data as { event?: { data?: { bulkActionId?: string } } }).event?.data;
        if (!data?.bulkActionId) return;
        const id = data.bulkActionId;
        await step.run("mark-failed", () =>
          finishBulkAction({
            id,
            status: "failed",
            error: { message: "The bulk action stopped because of a server error." },
          }),
        );
      },
    },
    async ({ event, step }) => {
      const { bulkActionId } = event.data as { bulkActionId: string };
      const started = await step.run("start", async () => {
        const action = await getBulkActionById({ id: bulkActionId });
        if (!action || (action.status !== "queued" && action.status !== "running")) return false;
        await markBulkActionRunning({ id: bulkActionId });
        return true;
      });
      if (!started) return { bulkActionId, skipped: true };
      let handled = 0;
      for (let n = 0; n < MAX_BATCHES; n++) {
        const batch = await step.run(`batch-${n}`, () =>
          runBulkBatch({ bulkActionId, client, rerunBatch, batchSize: bulkBatchSize }),
        );
        handled += batch.handled;
        if (batch.last) break;
      }
      await step.run("finish", () => finishBulkAction({ id: bulkActionId, status: "succeeded" }));
      return { bulkActionId, handled };
    },
  );
}
