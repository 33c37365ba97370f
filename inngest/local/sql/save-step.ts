import type { Queryable } from "../sql-client";

/**
 * Stores a step's memo value; a second result for the same step is ignored, so a
 * duplicated delivery can never overwrite what the run already saw.
 */
export async function saveStep(
  q: Queryable,
  step: {
    runId: string;
    hash: string;
    name?: string | null;
    status: "completed" | "failed";
    output: unknown;
  },
): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.steps (run_id, hash, name, status, output, position)
     values ($1, $2, $3, $4, $5::text::jsonb,
             (select count(*) from engine.steps where run_id = $1))
     on conflict (run_id, hash) do nothing
     returning hash`,
    [step.runId, step.hash, step.name ?? null, step.status, JSON.stringify(step.output ?? null)],
  );
  return rows.length > 0;
}
