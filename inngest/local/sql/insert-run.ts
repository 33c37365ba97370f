import type { Queryable } from "../sql-client";

/**
 * Creates a run and queues its first discovery call (same transaction as its trigger), due
 * at `runAt` (a throttled or prioritized start) or now. With a `singletonKey` another
 * active run holding that key wins: nothing is inserted and false is returned.
 */
export async function insertRun(
  q: Queryable,
  run: {
    id: string;
    functionId: string;
    appId: string;
    eventId: string;
    event: Record<string, unknown>;
    concurrencyKey: string | null;
    concurrencyLimit: number | null;
    concurrencyKey2?: string | null;
    concurrencyLimit2?: number | null;
    singletonKey?: string | null;
    runAt?: number | null;
    /** A batch run's events (the first is `event`). */
    events?: Record<string, unknown>[] | null;
    parentRunId?: string | null;
    parentStep?: string | null;
    jobId: string;
  },
): Promise<boolean> {
  const rows = await q.query(
    `with r as (
       insert into engine.runs (id, function_id, app_id, event_id, event, concurrency_key,
                                concurrency_limit, parent_run_id, parent_step, concurrency_key_2,
                                concurrency_limit_2, singleton_key, events)
       values ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $11, $12, $13, $15::text::jsonb)
       on conflict (singleton_key) where singleton_key is not null and status in ('queued', 'running')
       do nothing
       returning id
     )
     insert into engine.jobs (id, kind, run_id, payload, key, run_at, concurrency_key, concurrency_limit,
                              concurrency_key_2, concurrency_limit_2)
     select $10, 'call', r.id, '{"step":"step","attempt":0}'::jsonb, 'discover:' || r.id,
            coalesce(to_timestamp($14::float8 / 1000), now()), $6, $7, $11, $12
     from r
     returning id`,
    [
      run.id,
      run.functionId,
      run.appId,
      run.eventId,
      run.event,
      run.concurrencyKey,
      run.concurrencyLimit,
      run.parentRunId ?? null,
      run.parentStep ?? null,
      run.jobId,
      run.concurrencyKey2 ?? null,
      run.concurrencyLimit2 ?? null,
      run.singletonKey ?? null,
      run.runAt ?? null,
      run.events ? JSON.stringify(run.events) : null,
    ],
  );
  return rows.length > 0;
}
