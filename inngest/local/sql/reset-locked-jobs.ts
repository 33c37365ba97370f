import type { Queryable } from "../sql-client";

/**
 * Releases jobs locked by a worker that is gone. The leader calls it on start (only one
 * leader runs at a time, so every lock it finds belongs to a dead process): this is how a
 * call interrupted by a crash is retried.
 */
export async function resetLockedJobs(q: Queryable): Promise<number> {
  const rows = await q.query(
    "update engine.jobs set locked_at = null, locked_by = null where locked_at is not null returning id",
  );
  return rows.length;
}
