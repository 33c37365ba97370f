import type { Queryable } from "../sql-client";

/** Removes a finished job; false when it was already gone (its run was cancelled meanwhile). */
export async function deleteJob(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query("delete from engine.jobs where id = $1 returning id", [id]);
  return rows.length > 0;
}

/** Puts a job back in the queue at a later time (retries with backoff, cron). */
export async function rescheduleJob(
  q: Queryable,
  id: string,
  runAt: number,
  payload: Record<string, unknown>,
): Promise<void> {
  await q.query(
    `update engine.jobs set run_at = to_timestamp($2::float8 / 1000), payload = $3::text::jsonb,
       locked_at = null, locked_by = null where id = $1`,
    [id, runAt, payload],
  );
}

/** Deletes jobs of a run by kind and payload step (e.g. a wait's timeout once it matched). */
export async function deleteRunJobs(q: Queryable, runId: string, kind: string, step: string) {
  await q.query(
    "delete from engine.jobs where run_id = $1 and kind = $2 and payload ->> 'step' = $3",
    [runId, kind, step],
  );
}

/** Gives a job back after its processing threw (database hiccup, deadlock): retried later. */
export async function releaseJob(q: Queryable, id: string, delayMs: number): Promise<void> {
  await q.query(
    `update engine.jobs set locked_at = null, locked_by = null,
       run_at = now() + ($2::float8 * interval '1 millisecond') where id = $1`,
    [id, delayMs],
  );
}
