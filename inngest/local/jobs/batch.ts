// A batch's timeout came: start the run with the events it holds (fewer than maxSize). A
// batch that filled up started its run already and is gone; a newer batch for the same key
// that this job outlived is not due yet, so the job waits for it.
import { startBatchRun } from "../flow-control";
import type { Job } from "../interfaces";
import { deleteJob } from "../sql/delete-job";
import { lockBatch } from "../sql/lock-batch";
import { rescheduleJob } from "../sql/reschedule-job";
import { takeBatch } from "../sql/take-batch";
import { inTransaction, type WorkerDeps } from "./context";

export async function fireBatch(deps: WorkerDeps, job: Job): Promise<void> {
  const key = String(job.payload.key);
  await inTransaction(deps, async (q, ctx) => {
    // The batch row first, then the job: the order appendToBatch takes them in.
    const batch = await lockBatch(q, key);
    if (!batch) {
      await deleteJob(q, job.id);
      return;
    }
    if (!batch.due) {
      await rescheduleJob(q, job.id, batch.due_at, job.payload);
      return;
    }
    if (!(await deleteJob(q, job.id))) return;
    const eventIds = await takeBatch(q, key);
    const fn = deps.registry.functions.get(batch.function_id);
    if (!fn) {
      ctx.afterCommit(() =>
        ctx.logger.warn(`batch ${key} dropped: its function is no longer synced`, {
          function: batch.function_id,
          events: eventIds.length,
        }),
      );
      return;
    }
    await startBatchRun(q, ctx, fn, eventIds);
  });
}
