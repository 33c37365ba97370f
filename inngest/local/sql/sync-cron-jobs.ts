import { nextCronRun, withJitter } from "../function-config";
import type { FunctionDef } from "../interfaces";
import type { Queryable } from "../sql-client";
import { enqueueJob } from "./enqueue-job";

/**
 * One timer job per (function, cron), due at the next tick (plus a random jitter up to the
 * trigger's); schedules that disappeared from the code are dropped. The job's key makes it
 * one per schedule however many processes sync: an existing job (its tick not fired yet, or
 * being fired) is kept as it is, so a process that starts late never fires a tick again.
 */
export async function syncCronJobs(
  q: Queryable,
  functions: FunctionDef[],
  now = Date.now(),
): Promise<void> {
  const keys: string[] = [];
  for (const fn of functions) {
    for (const { cron, jitterMs } of fn.cronTriggers) {
      const key = `cron:${fn.id}:${cron}`;
      keys.push(key);
      const next = nextCronRun(cron, new Date(now));
      if (!next) continue;
      await enqueueJob(q, {
        kind: "cron",
        payload: { functionId: fn.id, cron, tick: next.getTime() },
        runAt: withJitter(next, jitterMs),
        key,
      });
    }
  }
  await q.query(
    `delete from engine.jobs where kind = 'cron' and locked_at is null
       and not (key = any(string_to_array($1, chr(31))))`,
    [keys.join("\u001f")],
  );
}
