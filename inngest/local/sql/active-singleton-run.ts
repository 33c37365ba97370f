import type { Queryable } from "../sql-client";

/** The active (queued or running) run holding a singleton key, if any. */
export async function activeSingletonRun(q: Queryable, key: string): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    `select id from engine.runs
     where singleton_key = $1 and status in ('queued', 'running')`,
    [key],
  );
  return row?.id;
}
