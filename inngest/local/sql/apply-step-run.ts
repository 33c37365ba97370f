import { ulid } from "../ids";
import type { Job } from "../interfaces";
import type { Queryable } from "../sql-client";

export type StepRunResult =
  /** The run is gone, ended, or the job was taken away (cancelled): drop the result. */
  | { kind: "discarded" }
  /** Stored; `next` is the run's next discovery call, already claimed, when it is idle. */
  | { kind: "stored"; next?: Job };

/**
 * The hot path of a sequential run in one statement: lock and mark the run, store the
 * step's result and attempt, and turn the finished job into the run's next discovery call
 * (kept locked by this worker) or delete it when other work of the run is still pending.
 * One atomic statement instead of a transaction of six.
 */
export async function applyStepRun(
  q: Queryable,
  a: {
    runId: string;
    jobId: string;
    workerId: string;
    hash: string;
    name: string | null;
    data: unknown;
    attempt: number;
    startedAt: number;
    durationMs: number;
    version: number | undefined;
  },
): Promise<StepRunResult> {
  const [row] = await q.query<{
    active: boolean;
    had_job: boolean;
    next_id: string | null;
    concurrency_key: string | null;
    concurrency_limit: number | null;
    concurrency_key_2: string | null;
    concurrency_limit_2: number | null;
  }>(
    `with r as (
       update engine.runs set status = 'running',
         started_at = coalesce(started_at, to_timestamp($8::float8 / 1000)),
         request_version = coalesce($10::int, request_version)
       where id = $1 and status in ('queued', 'running')
       returning id, concurrency_key, concurrency_limit, concurrency_key_2, concurrency_limit_2
     ), s as (
       insert into engine.steps (run_id, hash, name, status, output, position)
       select $1, $4, $5, 'completed', $6::text::jsonb,
              (select count(*) from engine.steps where run_id = $1)
       where exists (select 1 from r) and exists (select 1 from engine.jobs where id = $2)
       on conflict (run_id, hash) do nothing
       returning hash
     ), a as (
       insert into engine.attempts (id, run_id, step, name, attempt, outcome, started_at, duration_ms)
       select $11, $1, $4, $5, $7, 'ok', to_timestamp($8::float8 / 1000), $9
       where exists (select 1 from r) and exists (select 1 from engine.jobs where id = $2)
       returning id
     ), idle as (
       select exists (select 1 from r)
         and not exists (select 1 from engine.jobs j where j.run_id = $1 and j.kind not in ('event', 'run_timeout')
                                                   and j.id <> $2)
         and not exists (select 1 from engine.pauses p where p.run_id = $1 and p.kind <> 'cancel') as yes
     ), u as (
       update engine.jobs set kind = 'call', payload = '{"step":"step","attempt":0}'::jsonb,
         key = 'discover:' || $1, run_at = now(), locked_at = now(), locked_by = $3,
         concurrency_key = (select concurrency_key from r), concurrency_limit = (select concurrency_limit from r),
         concurrency_key_2 = (select concurrency_key_2 from r),
         concurrency_limit_2 = (select concurrency_limit_2 from r)
       where id = $2 and (select yes from idle)
       returning id, concurrency_key, concurrency_limit, concurrency_key_2, concurrency_limit_2
     ), d as (
       delete from engine.jobs where id = $2 and not (select yes from idle)
       returning id
     )
     select exists (select 1 from r) as active,
            (exists (select 1 from u) or exists (select 1 from d)) as had_job,
            (select id from u) as next_id,
            (select concurrency_key from u) as concurrency_key,
            (select concurrency_limit from u) as concurrency_limit,
            (select concurrency_key_2 from u) as concurrency_key_2,
            (select concurrency_limit_2 from u) as concurrency_limit_2`,
    [
      a.runId,
      a.jobId,
      a.workerId,
      a.hash,
      a.name,
      JSON.stringify({ data: a.data ?? null }),
      a.attempt,
      a.startedAt,
      a.durationMs,
      a.version ?? null,
      ulid(),
    ],
  );
  if (!row?.active || !row.had_job) return { kind: "discarded" };
  if (!row.next_id) return { kind: "stored" };
  return {
    kind: "stored",
    next: {
      id: row.next_id,
      kind: "call",
      run_id: a.runId,
      payload: { step: "step", attempt: 0 },
      concurrency_key: row.concurrency_key,
      concurrency_limit: row.concurrency_limit,
      concurrency_key_2: row.concurrency_key_2,
      concurrency_limit_2: row.concurrency_limit_2,
    },
  };
}
