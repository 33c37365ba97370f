import type { Queryable } from "../sql-client";

/**
 * The run's call job while a worker holds it (claimed, not yet finished): what a checkpoint
 * must name to be accepted. Undefined once the job is gone or back in the queue.
 */
export async function loadCallInFlight(
  q: Queryable,
  runId: string,
  jobId: string,
): Promise<{ attempt: number } | undefined> {
  const [row] = await q.query<{ payload: { attempt?: number } }>(
    `select payload from engine.jobs
     where id = $1 and run_id = $2 and kind = 'call' and locked_at is not null`,
    [jobId, runId],
  );
  return row && { attempt: Number(row.payload.attempt ?? 0) };
}
