import type { Queryable } from "../sql-client";

/**
 * Releases every claimed job. PGlite only, on start: one process owns a PGlite directory, so
 * every lock it finds belongs to a dead process; this is how a call interrupted by a crash is
 * made again. (On PostgreSQL, where several processes work the queue, release-orphaned-jobs.ts
 * releases only the jobs of workers that are gone.)
 */
export async function resetLockedJobs(q: Queryable): Promise<number> {
  const rows = await q.query(
    "update engine.jobs set locked_at = null, locked_by = null where locked_at is not null returning id",
  );
  return rows.length;
}
