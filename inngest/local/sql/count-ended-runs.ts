import type { Queryable } from "../sql-client";

/** How many runs have completed or failed (the benchmark's progress probe). */
export async function countEndedRuns(q: Queryable): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    "select count(*)::int as n from engine.runs where status in ('completed', 'failed')",
  );
  return row.n;
}
