// A debounce's time came: start the run with the burst's last event, unless a later event
// pushed the time on while this job was being claimed (then it waits again).
import { startRun } from "../flow-control";
import type { Job } from "../interfaces";
import { deleteDebounce } from "../sql/delete-debounce";
import { deleteJob } from "../sql/delete-job";
import { loadEventForMatching } from "../sql/load-event-for-matching";
import { lockDebounce } from "../sql/lock-debounce";
import { rescheduleJob } from "../sql/reschedule-job";
import { inTransaction, type WorkerDeps } from "./context";

export async function fireDebounce(deps: WorkerDeps, job: Job): Promise<void> {
  const key = String(job.payload.key);
  await inTransaction(deps, async (q, ctx) => {
    // The debounce row first, then the job: the order upsertDebounce takes them in.
    const debounce = await lockDebounce(q, key);
    if (!debounce) {
      await deleteJob(q, job.id);
      return;
    }
    if (!debounce.due) {
      await rescheduleJob(q, job.id, debounce.fire_at, job.payload);
      return;
    }
    if (!(await deleteJob(q, job.id))) return;
    await deleteDebounce(q, key);
    const fn = deps.registry.functions.get(debounce.function_id);
    const event = await loadEventForMatching(q, debounce.event_id);
    if (!fn || !event) {
      ctx.afterCommit(() =>
        ctx.logger.warn(`debounce ${key} dropped: its function or event is gone`, {
          function: debounce.function_id,
          event: debounce.event_id,
        }),
      );
      return;
    }
    await startRun(q, ctx, fn, event);
  });
}
