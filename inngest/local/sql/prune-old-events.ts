import type { Queryable } from "../sql-client";

/**
 * Deletes up to `limit` events received before `before` that no kept run was started by
 * (events that started nothing, or whose runs were pruned) and no open debounce or batch holds, and answers how many went.
 */
export async function pruneOldEvents(
  q: Queryable,
  { before, limit }: { before: Date; limit: number },
): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `with doomed as (
       select e.id from engine.events e
       where e.received_at < $1
         and not exists (select 1 from engine.runs r where r.event_id = e.id)
         and not exists (select 1 from engine.debounces d where d.event_id = e.id)
         and not exists (select 1 from engine.batches b where b.event_ids ? e.id)
       order by e.received_at
       limit $2
     ),
     gone as (delete from engine.events where id in (select id from doomed) returning 1)
     select count(*)::int as n from gone`,
    [before.toISOString(), limit],
  );
  return row.n;
}
