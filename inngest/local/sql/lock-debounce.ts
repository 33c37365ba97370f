import type { Queryable } from "../sql-client";

export type Debounce = { function_id: string; event_id: string; fire_at: number; due: boolean };

/** Locks a debounce for its firing: its last event, and whether it is due yet. */
export async function lockDebounce(q: Queryable, key: string): Promise<Debounce | undefined> {
  const [row] = await q.query<Debounce>(
    `select function_id, event_id, (extract(epoch from fire_at) * 1000)::float8 as fire_at,
            fire_at <= now() as due
     from engine.debounces where key = $1 for update`,
    [key],
  );
  return row && { ...row, fire_at: Number(row.fire_at) };
}
