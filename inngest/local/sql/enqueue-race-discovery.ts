import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/**
 * Queues the run's next discovery call although other work of the run is still pending: a
 * step planned in race mode ended (Inngest's `ParallelModeRace`: the function goes on as soon
 * as each branch ends, its siblings are not joined). With `ifRacing`, only when one of the
 * run's pending calls is such a step (a wait or sleep ended beside race branches). A
 * discovery already queued (the same key) will see the result anyway.
 */
export async function enqueueRaceDiscovery(
  q: Queryable,
  runId: string,
  { ifRacing = false }: { ifRacing?: boolean } = {},
): Promise<boolean> {
  const rows = await q.query<{ id: string }>(
    `insert into engine.jobs (id, kind, run_id, payload, run_at, key, concurrency_key, concurrency_limit,
                              concurrency_key_2, concurrency_limit_2)
     select $1, 'call', r.id, '{"step":"step","attempt":0}'::jsonb, now(), 'discover:' || r.id,
            r.concurrency_key, r.concurrency_limit, r.concurrency_key_2, r.concurrency_limit_2
     from engine.runs r
     where r.id = $2 and r.status in ('queued', 'running')
       and (not $3::boolean or exists (
         select 1 from engine.jobs j
         where j.run_id = $2 and j.kind = 'call' and j.payload->>'race' = 'true'))
     on conflict (key) do nothing
     returning id`,
    [ulid(), runId, ifRacing],
  );
  return rows.length > 0;
}
