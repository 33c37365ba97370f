import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/**
 * Queues the next discovery call (`stepId=step`) for a run, but only once nothing else of
 * the run is pending: no planned or retrying step call, timer or wait. That is how parallel
 * branches are joined before the SDK is asked what comes next.
 */
export async function enqueueDiscoveryIfIdle(q: Queryable, runId: string): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.jobs (id, kind, run_id, payload, run_at, key, concurrency_key, concurrency_limit)
     select $1, 'call', r.id, '{"step":"step","attempt":0}'::jsonb, now(), 'discover:' || r.id,
            r.concurrency_key, r.concurrency_limit
     from engine.runs r
     where r.id = $2 and r.status in ('queued', 'running')
       and not exists (select 1 from engine.jobs j where j.run_id = $2 and j.kind <> 'event')
       and not exists (select 1 from engine.pauses p where p.run_id = $2 and p.kind <> 'cancel')
     on conflict (key) do nothing
     returning id`,
    [ulid(), runId],
  );
  return rows.length > 0;
}
