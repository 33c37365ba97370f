// An accepted event, matched against waiting runs, cancellations and triggers.
import { matchesEventName, matchesExpression } from "../expressions";
import { triggerRun } from "../flow-control";
import type { Job } from "../interfaces";
import { cancelRun, resumeStep } from "../run-lifecycle";
import { deletePause } from "../sql/delete-pause";
import { deleteRunJobs } from "../sql/delete-run-jobs";
import { lockRun } from "../sql/lock-run";
import { takeEventJob } from "../sql/take-event-job";
import { inTransaction, type WorkerDeps } from "./context";

export async function matchEvent(deps: WorkerDeps, job: Job): Promise<void> {
  const { registry } = deps;
  await inTransaction(deps, async (q, ctx) => {
    const taken = await takeEventJob(q, job.id, String(job.payload.eventId));
    if (!taken) return;
    const { event: row, pauses } = taken;
    const incoming = row.payload;
    // Waiting runs and cancellations first: they belong to runs that existed before
    // this event, and a run this event starts must not be cancelled by it.
    for (const pause of pauses) {
      if (!matchesExpression(pause.expression, { event: pause.run_event, async: incoming }))
        continue;
      const locked = await lockRun(q, pause.run_id);
      if (!locked || (locked.status !== "queued" && locked.status !== "running")) continue;
      if (pause.kind === "wait") {
        if (!(await deletePause(q, pause.id))) continue;
        await deleteRunJobs(q, pause.run_id, "wait_timeout", String(pause.step));
        await resumeStep(q, pause.run_id, String(pause.step), incoming, { race: pause.race });
      } else {
        await cancelRun(q, ctx, locked, `cancelled by event ${row.name} (${row.id})`);
      }
    }
    if (row.name === "inngest/function.invoked") return;
    // A snapshot: a sync finishing during the awaits below refills the registry, and a
    // live Map iterator would then visit (and trigger) the same function twice.
    for (const fn of [...registry.functions.values()]) {
      const triggered = fn.eventTriggers.some(
        (t) =>
          matchesEventName(t.event, row.name) &&
          matchesExpression(t.expression, { event: incoming }),
      );
      if (triggered) await triggerRun(q, ctx, fn, row);
    }
  });
}
