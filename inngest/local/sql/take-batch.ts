import type { Queryable } from "../sql-client";

/**
 * Closes a batch and answers its event ids in arrival order, and drops its `batch` job
 * unless a worker holds it (that one finds no batch and goes). The next event opens a new
 * batch.
 */
export async function takeBatch(q: Queryable, key: string): Promise<string[]> {
  const [row] = await q.query<{ event_ids: string[] }>(
    "delete from engine.batches where key = $1 returning event_ids",
    [key],
  );
  await q.query("delete from engine.jobs where key = $1 and locked_at is null", [`batch:${key}`]);
  return row?.event_ids ?? [];
}
