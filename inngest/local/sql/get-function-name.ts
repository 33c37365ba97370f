import type { Queryable } from "../sql-client";

/** A synced function's display name; undefined when no function has this id. */
export async function getFunctionName(q: Queryable, id: string): Promise<string | undefined> {
  const [row] = await q.query<{ name: string }>("select name from engine.functions where id = $1", [
    id,
  ]);
  return row?.name;
}
