import type { Queryable } from "../sql-client";

/** Deletes jobs of a run by kind and payload step (e.g. a wait's timeout once it matched). */
export async function deleteRunJobs(
  q: Queryable,
  runId: string,
  kind: string,
  step: string,
): Promise<void> {
  await q.query(
    "delete from engine.jobs where run_id = $1 and kind = $2 and payload ->> 'step' = $3",
    [runId, kind, step],
  );
}
