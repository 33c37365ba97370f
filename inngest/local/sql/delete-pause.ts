import type { Queryable } from "../sql-client";

/** Consumes a pause; false when another transaction consumed it first. */
export async function deletePause(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query("delete from engine.pauses where id = $1 returning id", [id]);
  return rows.length > 0;
}
