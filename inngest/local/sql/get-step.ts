import type { Queryable } from "../sql-client";

/** One stored step result (its memo), for run history readers. */
export async function getStep(
  q: Queryable,
  runId: string,
  hash: string,
): Promise<{ status: string; output: unknown } | undefined> {
  const [row] = await q.query<{ status: string; output: unknown }>(
    "select status, output from engine.steps where run_id = $1 and hash = $2",
    [runId, hash],
  );
  return row;
}
