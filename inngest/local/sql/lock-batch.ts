import type { Queryable } from "../sql-client";

export type Batch = { function_id: string; due_at: number; due: boolean };

/** Locks an open batch for its firing: whether its timeout has passed yet. */
export async function lockBatch(q: Queryable, key: string): Promise<Batch | undefined> {
  const [row] = await q.query<Batch>(
    `select function_id, (extract(epoch from due_at) * 1000)::float8 as due_at, due_at <= now() as due
     from engine.batches where key = $1 for update`,
    [key],
  );
  return row && { ...row, due_at: Number(row.due_at) };
}
