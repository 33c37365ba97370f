import type { Queryable } from "../sql-client";

/** Puts a run back to immediate execution once its last planned parallel branch joined. */
export async function endStepPlan(q: Queryable, runId: string): Promise<void> {
  await q.query("update engine.runs set force_step_plan = false where id = $1", [runId]);
}
