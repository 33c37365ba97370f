import type { Queryable } from "../sql-client";

/**
 * Consumes a pause: what it was planned as (`race`), or undefined when another transaction
 * consumed it first.
 */
export async function deletePause(
  q: Queryable,
  id: string,
): Promise<{ race: boolean } | undefined> {
  const [row] = await q.query<{ race: boolean }>(
    "delete from engine.pauses where id = $1 returning race",
    [id],
  );
  return row;
}
