import type { Queryable } from "../sql-client";

/** Creates a run and queues its first discovery call (same transaction as its trigger). */
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
    parentRunId?: string | null;
    parentStep?: string | null;
    jobId: string;
  },
): Promise<void> {
  await q.query(
    `with r as (
       insert into engine.runs (id, function_id, app_id, event_id, event, concurrency_key,
                                concurrency_limit, parent_run_id, parent_step)
       values ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9)
       returning id
     )
     insert into engine.jobs (id, kind, run_id, payload, key, concurrency_key, concurrency_limit)
     select $10, 'call', r.id, '{"step":"step","attempt":0}'::jsonb, 'discover:' || r.id, $6, $7 from r`,
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
    ],
  );
}
