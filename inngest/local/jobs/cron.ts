// A cron schedule fired: emit inngest/scheduled.timer, start the run, arm the next one.
//
// Exactly once per tick, however many processes work the queue: a schedule is one job
// (unique key), claimed by one worker (FOR UPDATE SKIP LOCKED), and its run is created and
// the job moved to the next tick in one transaction. A worker that dies before the commit
// leaves the tick to whoever claims the job next (released as orphaned); after the commit the
// tick is gone. The next tick is computed after the one fired (`payload.tick`), not after the
// local clock, so clocks that differ between hosts cannot fire a tick twice. Ticks missed
// while no process ran fire once, late, when one starts; the ones in between are skipped.
// Time zones (`TZ=`) follow croner, which is cron's usual DST policy: a local time that does
// not exist (spring forward) fires once at the first valid minute after the gap; a local
// time that occurs twice (fall back) fires once, at its first occurrence; schedules with
// wildcard hours (every minute, every hour) fire by the real clock through both.

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
    const tick = Number(job.payload.tick ?? 0);
    const [event] = await insertEvents(q, [
      {
        name: "inngest/scheduled.timer",
        data: { cron },
        id: `cron:${functionId}:${ulid()}`,
        // The tick it fires for (jitter and a late claim aside), as Inngest stamps it.
        ts: tick || deps.clock(),
      },
    ]);
    // The timer event is for this function alone: the run is created directly here, and the
    // event queues a job only when a wait (or another trigger) listens for it.
    await triggerRun(q, ctx, fn, event);
    const next = nextCronRun(cron, new Date(Math.max(deps.clock(), tick) + 1000));
    if (next) {
      await rescheduleJob(q, job.id, withJitter(next, trigger.jitterMs), {
        ...job.payload,
        tick: next.getTime(),
      });
    } else await deleteJob(q, job.id);
  });
}
