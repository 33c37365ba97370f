import type { Queryable } from "../sql-client";

/** Closes a debounce once its run is started: the next event opens a new one. */
export async function deleteDebounce(q: Queryable, key: string): Promise<void> {
  await q.query("delete from engine.debounces where key = $1", [key]);
}
