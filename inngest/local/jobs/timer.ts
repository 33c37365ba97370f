// A sleep ended, or a wait or invoke timed out: the step gets `memo` as its result.
import type { Job } from "../interfaces";
import { resumeStep } from "../run-lifecycle";
import { deleteJob } from "../sql/delete-job";
import { deletePause } from "../sql/delete-pause";
import { lockRun } from "../sql/lock-run";
import { inTransaction, type WorkerDeps } from "./context";

export async function fireTimer(
  deps: WorkerDeps,
  job: Job,
  memo: unknown,
  /** The wait or invoke this timer bounds; none for a sleep. */
  pauseId?: string,
): Promise<void> {
  await inTransaction(deps, async (q) => {
    const runId = job.run_id as string;
    const locked = await lockRun(q, runId);
    if (!(await deleteJob(q, job.id)) || !locked) return;
    if (locked.status !== "queued" && locked.status !== "running") return;
    // A wait or invoke that already got its event has no pause left: nothing to time out.
    const pause = pauseId ? await deletePause(q, pauseId) : undefined;
    if (pauseId && !pause) return;
    const race = pause ? pause.race : job.payload.race === true;
    await resumeStep(q, runId, String(job.payload.step), memo, { race });
  });
}
