import type { Queryable } from "../sql-client";

/** Removes a finished job; false when it was already gone (its run was cancelled meanwhile). */
export async function deleteJob(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query("delete from engine.jobs where id = $1 returning id", [id]);
  return rows.length > 0;
}
