import type { Queryable } from "../sql-client";

/** Drops limit states whose theoretical arrival time has passed: the same as no row. */
export async function pruneFlowLimits(q: Queryable): Promise<number> {
  const rows = await q.query("delete from engine.flow_limits where tat < now() returning key");
  return rows.length;
}
