import type { Queryable } from "../sql-client";

/** Puts a job back in the queue at a later time with a new payload (the next cron tick). */
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
