import type { Queryable } from "../sql-client";

/** When the earliest unlocked job becomes due (epoch ms), or null when the queue is empty. */
export async function nextJobAt(q: Queryable): Promise<number | null> {
  const [row] = await q.query<{ at: number | null }>(
    `select (extract(epoch from min(run_at)) * 1000)::float8 as at
     from engine.jobs where locked_at is null`,
  );
  return row?.at ?? null;
}
