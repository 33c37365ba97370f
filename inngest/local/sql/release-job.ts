import type { Queryable } from "../sql-client";

/**
 * Gives a claimed job back to the queue, due after `delayMs`: after its processing threw
 * (database hiccup, deadlock), or when a stopping worker hands on a continuation.
 */
export async function releaseJob(q: Queryable, id: string, delayMs: number): Promise<void> {
  await q.query(
    `update engine.jobs set locked_at = null, locked_by = null,
       run_at = now() + ($2::float8 * interval '1 millisecond') where id = $1`,
    [id, delayMs],
  );
}
