// A run's `timeouts` bound came due: cancel the run if it has not started (`start`) or not
// finished (`finish`, counted from its real start) in time, with the reason in its record.
import type { Job } from "../interfaces";
import { cancelRun } from "../run-lifecycle";
import { deleteJob } from "../sql/delete-job";
import { loadRunStart } from "../sql/load-run-start";
import { lockRun } from "../sql/lock-run";
import { rescheduleJob } from "../sql/reschedule-job";
import { inTransaction, type WorkerDeps } from "./context";

export async function fireRunTimeout(deps: WorkerDeps, job: Job): Promise<void> {
  const runId = job.run_id as string;
  const bound = job.payload.bound === "start" ? "start" : "finish";
  const ms = Number(job.payload.ms);
  const declared = String(job.payload.declared);
  await inTransaction(deps, async (q, ctx) => {
    const locked = await lockRun(q, runId);
    const start = locked && (await loadRunStart(q, runId));
    if (!locked || !start || (locked.status !== "queued" && locked.status !== "running")) {
      await deleteJob(q, job.id);
      return;
    }
    const now = Date.now();
    if (bound === "start") {
      await deleteJob(q, job.id);
      // Started: its first call has begun (answered, or out right now).
      if (start.started_at !== null || start.in_flight) return;
      await cancelRun(q, ctx, locked, `Timed out: the run did not start within ${declared}`);
      return;
    }
    if (start.started_at === null) {
      // Not started yet, or its first call is out: look again once it could be over.
      await rescheduleJob(
        q,
        job.id,
        now + (start.in_flight ? Math.min(ms, 1000) : ms),
        job.payload,
      );
      return;
    }
    const deadline = start.started_at + ms;
    if (deadline > now) {
      await rescheduleJob(q, job.id, deadline, job.payload);
      return;
    }
    await deleteJob(q, job.id);
    await cancelRun(q, ctx, locked, `Timed out: the run did not finish within ${declared}`);
  });
}
