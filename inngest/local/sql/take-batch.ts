import type { Queryable } from "../sql-client";

/**
 * Closes a batch and answers its event ids in the order the executor received the events
 * (not the order workers happened to match them in, which for events sent milliseconds apart
 * can differ), and drops its `batch` job unless a worker holds it (that one finds no batch and
 * goes). The next event opens a new batch.
 */
export async function takeBatch(q: Queryable, key: string): Promise<string[]> {
  const [row] = await q.query<{ event_ids: string[] | null }>(
    `with b as (delete from engine.batches where key = $1 returning event_ids)
     select (select jsonb_agg(x.id order by e.received_at nulls last, x.n)
             from jsonb_array_elements_text(b.event_ids) with ordinality as x(id, n)
             left join engine.events e on e.id = x.id) as event_ids
     from b`,
    [key],
  );
  await q.query("delete from engine.jobs where key = $1 and locked_at is null", [`batch:${key}`]);
  return row?.event_ids ?? [];
}
