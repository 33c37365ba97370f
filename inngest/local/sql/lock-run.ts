import type { Queryable } from "../sql-client";

export type LockedRun = {
  id: string;
  function_id: string;
  status: string;
  event: Record<string, unknown>;
  parent_run_id: string | null;
  parent_step: string | null;
};

/** Locks a run for the rest of the transaction: results of parallel calls apply one by one. */
export async function lockRun(q: Queryable, runId: string): Promise<LockedRun | undefined> {
  const [row] = await q.query<LockedRun>(
    `select id, function_id, status, event, parent_run_id, parent_step
     from engine.runs where id = $1 for update`,
    [runId],
  );
  return row;
}

/** Marks a run as running on its first call and remembers the SDK's request version. */
export async function markRunning(
  q: Queryable,
  runId: string,
  startedAt: number,
  version: number | undefined,
  forceStepPlan: boolean,
): Promise<void> {
  await q.query(
    `update engine.runs set status = 'running',
       started_at = coalesce(started_at, to_timestamp($2::float8 / 1000)),
       request_version = coalesce($3::int, request_version),
       force_step_plan = force_step_plan or $4::boolean
     where id = $1`,
    [runId, startedAt, version ?? null, forceStepPlan],
  );
}
