import type { Queryable } from "../sql-client";
import type { LockedRun } from "./lock-run";

/**
 * Locks an active run and records what a call just learnt about it (running since,
 * the SDK's request version, whether it went parallel) in one statement. Undefined when
 * the run has ended meanwhile.
 */
export async function lockActiveRun(
  q: Queryable,
  runId: string,
  call: { startedAt: number; version: number | undefined; forceStepPlan: boolean },
): Promise<LockedRun | undefined> {
  const [row] = await q.query<LockedRun>(
    `update engine.runs set status = 'running',
       started_at = coalesce(started_at, to_timestamp($2::float8 / 1000)),
       request_version = coalesce($3::int, request_version),
       force_step_plan = force_step_plan or $4::boolean
     where id = $1 and status in ('queued', 'running')
     returning id, function_id, status, event, parent_run_id, parent_step`,
    [runId, call.startedAt, call.version ?? null, call.forceStepPlan],
  );
  return row;
}
