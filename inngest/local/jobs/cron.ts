// A cron schedule fired: emit inngest/scheduled.timer, start the run, arm the next one.

import { triggerRun } from "../flow-control";
import { nextCronRun, withJitter } from "../function-config";
import { ulid } from "../ids";
import type { Job } from "../interfaces";
import { deleteJob } from "../sql/delete-job";
import { insertEvents } from "../sql/insert-events";
import { rescheduleJob } from "../sql/reschedule-job";
import { inTransaction, type WorkerDeps } from "./context";

export async function fireCron(deps: WorkerDeps, job: Job): Promise<void> {
  const functionId = String(job.payload.functionId);
  const cron = String(job.payload.cron);
  const fn = deps.registry.functions.get(functionId);
  await inTransaction(deps, async (q, ctx) => {
    const trigger = fn?.cronTriggers.find((t) => t.cron === cron);
    if (!fn || !trigger) {
      await deleteJob(q, job.id);
      return;
    }
    const [event] = await insertEvents(q, [
      { name: "inngest/scheduled.timer", data: { cron }, id: `cron:${functionId}:${ulid()}` },
    ]);
    // The timer event is for this function alone; the job inserted for it only needs to
    // feed waits, so it stays, and the run is created directly here.
    await triggerRun(q, ctx, fn, event);
    const next = nextCronRun(cron, new Date(Date.now() + 1000));
    if (next) await rescheduleJob(q, job.id, withJitter(next, trigger.jitterMs), job.payload);
    else await deleteJob(q, job.id);
  });
}
