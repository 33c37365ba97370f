import type { Queryable } from "../sql-client";

export type EventRecord = {
  id: string;
  name: string;
  payload: { ts?: number; id?: string };
  idempotency_key: string | null;
  /** Epoch ms. */
  received_at: number;
};

/** One accepted event with when it arrived, for history readers (GraphQL `eventV2`). */
export async function getEvent(q: Queryable, id: string): Promise<EventRecord | undefined> {
  const [row] = await q.query<EventRecord>(
    `select id, name, payload, idempotency_key,
       (extract(epoch from received_at) * 1000)::float8 as received_at
     from engine.events where id = $1`,
    [id],
  );
  return row;
}
