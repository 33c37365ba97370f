import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/**
 * A checkpoint of completed steps in one statement (the SDK's checkpointing hot path): only
 * while `jobId` is the run's call in flight and the run is active, mark the run running and
 * store each step's result and its attempt (at the call's attempt number). A step already
 * stored keeps its first result and gets no second attempt row. "stale" when the call or
 * the run is no longer there (nothing written). One atomic statement instead of a
 * transaction of six round trips; positions follow the checkpoint's order.
 */
export async function applyCheckpointSteps(
  q: Queryable,
  a: {
    runId: string;
    jobId: string;
    startedAt: number;
    steps: { hash: string; name: string | null; data: unknown }[];
  },
): Promise<"ok" | "stale"> {
  const steps = a.steps.map((s, ord) => ({
    ord,
    hash: s.hash,
    name: s.name,
    output: { data: s.data ?? null },
    attempt_id: ulid(),
  }));
  const [row] = await q.query<{ active: boolean }>(
    `with c as (
       select coalesce((payload->>'attempt')::int, 0) as attempt from engine.jobs
       where id = $2 and run_id = $1 and kind = 'call' and locked_at is not null
     ), r as (
       update engine.runs set status = 'running',
         started_at = coalesce(started_at, to_timestamp($3::float8 / 1000))
       where id = $1 and status in ('queued', 'running') and exists (select 1 from c)
       returning id
     ), o as (
       select distinct on (hash) ord, hash, name, output, attempt_id
       from jsonb_to_recordset($4::text::jsonb)
         as x(ord int, hash text, name text, output jsonb, attempt_id text)
       order by hash, ord
     ), s as (
       insert into engine.steps (run_id, hash, name, status, output, position)
       select $1, o.hash, o.name, 'completed', o.output,
              (select count(*) from engine.steps where run_id = $1) + o.ord
       from o where exists (select 1 from r)
       order by o.ord
       on conflict (run_id, hash) do nothing
       returning hash
     ), a as (
       insert into engine.attempts (id, run_id, step, name, attempt, outcome, started_at, duration_ms)
       select o.attempt_id, $1, o.hash, o.name, (select attempt from c), 'ok',
              to_timestamp($3::float8 / 1000), 0
       from o join s on s.hash = o.hash
       returning id
     )
     select exists (select 1 from r) as active, (select count(*) from a) as attempts`,
    [a.runId, a.jobId, a.startedAt, JSON.stringify(steps)],
  );
  return row?.active ? "ok" : "stale";
}
