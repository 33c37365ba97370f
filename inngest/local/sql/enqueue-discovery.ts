import { ulid } from "../ids";
import type { Job } from "../interfaces";
import type { Queryable } from "../sql-client";

/**
 * Queues the next discovery call (`stepId=step`) for a run, but only once nothing else of
 * the run is pending: no planned or retrying step call, timer or wait. That is how parallel
 * branches are joined before the SDK is asked what comes next. A run's timeout timer
 * (`run_timeout`) is not pending work.
 */
export async function enqueueDiscoveryIfIdle(
  q: Queryable,
  runId: string,
  /** Insert the job already claimed by this worker, which runs it next without a claim. */
  lockedBy?: string,
): Promise<Job | undefined> {
  const [row] = await q.query<Job>(
    `insert into engine.jobs (id, kind, run_id, payload, run_at, key, concurrency_key, concurrency_limit,
                              concurrency_key_2, concurrency_limit_2, locked_at, locked_by)
     select $1, 'call', r.id, '{"step":"step","attempt":0}'::jsonb, now(), 'discover:' || r.id,
            r.concurrency_key, r.concurrency_limit, r.concurrency_key_2, r.concurrency_limit_2,
            case when $3::text is null then null else now() end, $3::text
     from engine.runs r
     where r.id = $2 and r.status in ('queued', 'running')
       and not exists (select 1 from engine.jobs j where j.run_id = $2 and j.kind not in ('event', 'run_timeout'))
       and not exists (select 1 from engine.pauses p where p.run_id = $2 and p.kind <> 'cancel')
     on conflict (key) do nothing
     returning id, kind, run_id, payload, concurrency_key, concurrency_limit, concurrency_key_2,
               concurrency_limit_2`,
    [ulid(), runId, lockedBy ?? null],
  );
  return row;
}
