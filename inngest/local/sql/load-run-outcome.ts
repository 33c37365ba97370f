import type { Queryable } from "../sql-client";

export type RunOutcome = { function_id: string; status: string; output: unknown; error: unknown };

/** A run's status and, once ended, its output or error (what a waiting reader polls). */
export async function loadRunOutcome(q: Queryable, runId: string): Promise<RunOutcome | undefined> {
  const [row] = await q.query<RunOutcome>(
    "select function_id, status, output, error from engine.runs where id = $1",
    [runId],
  );
  return row;
}
