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
