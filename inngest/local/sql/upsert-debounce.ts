import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/**
 * Adds an event to a debounce: the first one opens it, each later one replaces the event
 * (the one received last wins, as events are matched concurrently)
 * and pushes the firing to `periodMs` from now, never past `timeoutMs` after the first.
 * The `debounce` job (key `debounce:<key>`) follows `fire_at` unless a worker holds it
 * (then it re-reads the row and reschedules itself). The debounce row is written before
 * the job, the same order the firing takes them in.
 */
export async function upsertDebounce(
  q: Queryable,
  d: { key: string; functionId: string; eventId: string; periodMs: number; timeoutMs?: number },
): Promise<void> {
  await q.query(
    `with d as (
       insert into engine.debounces as d (key, function_id, event_id, first_at, fire_at)
       values ($1, $2, $3, now(),
               now() + least($4::float8, coalesce($5::float8, $4::float8)) * interval '1 millisecond')
       on conflict (key) do update set function_id = excluded.function_id,
         -- Events are matched concurrently: keep the one received last, whatever the order.
         event_id = case when (select received_at from engine.events where id = excluded.event_id)
                              >= coalesce((select received_at from engine.events where id = d.event_id),
                                          '-infinity')
                         then excluded.event_id else d.event_id end,
         fire_at = case when $5::float8 is null then now() + $4::float8 * interval '1 millisecond'
                        else least(now() + $4::float8 * interval '1 millisecond',
                                   d.first_at + $5::float8 * interval '1 millisecond') end
       returning fire_at
     )
     insert into engine.jobs as j (id, kind, payload, run_at, key)
     select $6, 'debounce', jsonb_build_object('key', $1::text), d.fire_at, 'debounce:' || $1 from d
     on conflict (key) do update set run_at = excluded.run_at where j.locked_at is null`,
    [d.key, d.functionId, d.eventId, d.periodMs, d.timeoutMs ?? null, ulid()],
  );
}
