// Keeps run_rollups and step_rollups (lib/db/schema.ts): each ended run is counted once, in the
// transaction that ends it (finishRun) or later by the backfill (runs ended before the rollups
// existed, or written without finishRun). `runs.rolled_up` says which runs are counted; the
// claim that sets it and the upserts share one transaction, so a run is never counted twice.
// Upserts go in key order (workflow, hour, step) so concurrent finishes never deadlock.
import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { TERMINAL_STATUSES } from "@/lib/runs/status";
import type { Database, Transaction } from "./client";
import { bucketSql, rowsOf, runDurationSql, statusesSql } from "./history-sql";
import { queryDb as db } from "./index";

type Executor = Pick<Database, "execute"> | Transaction;

const TERMINAL = statusesSql(TERMINAL_STATUSES);

const hourSql = (at: string) =>
  sql.raw(`(date_trunc('hour', ${at} at time zone 'UTC') at time zone 'UTC')`);

/** Adds two sparse histograms (jsonb { bucket: count }). */
const mergeSql = (a: SQL, b: SQL) => sql`(
  select coalesce(jsonb_object_agg(m.k, m.n), '{}'::jsonb)
  from (
    select e.key as k, sum(e.value::bigint) as n
    from (select * from jsonb_each_text(${a}) union all select * from jsonb_each_text(${b})) e
    group by e.key
  ) m)`;

/** Whether the incoming row's newest failure is newer than the stored one. */
const newer = sql.raw(`(excluded.last_failed_at is not null and (step_rollups.last_failed_at is null
  or (excluded.last_failed_at, excluded.last_failed_run_id)
    > (step_rollups.last_failed_at, step_rollups.last_failed_run_id)))`);

/**
 * Counts these runs (already claimed: rolled_up set in this transaction) into the rollups. A
 * test run is claimed like any other (so it never waits in the backfill's queue) and counts
 * nothing: its side effects were simulated.
 */
export async function addRunsToRollups(tx: Executor, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  // One text parameter however many runs (a batch of the backfill holds thousands).
  const ids = sql`select unnest(string_to_array(${runIds.join(",")}, ','))::uuid`;
  await tx.execute(sql`
    with claimed as (
      select r.*, ${hourSql("r.created_at")} as hour,
        ${bucketSql(runDurationSql("r."))} as bucket
      from runs r
      where r.id in (${ids}) and r.status in (${TERMINAL}) and r.test is null
    ),
    buckets as (
      select workflow_id, hour, bucket, count(*) as n
      from claimed where status in ('succeeded', 'failed') and finished_at is not null
      group by 1, 2, 3
    ),
    histograms as (
      select workflow_id, hour, jsonb_object_agg(bucket::text, n) as durations
      from buckets group by 1, 2
    )
    insert into run_rollups (workflow_id, user_id, hour, succeeded, failed, cancelled, durations)
    select c.workflow_id, min(c.user_id::text)::uuid, c.hour,
      count(*) filter (where c.status = 'succeeded'),
      count(*) filter (where c.status = 'failed'),
      count(*) filter (where c.status = 'cancelled'),
      coalesce(min(h.durations::text)::jsonb, '{}'::jsonb)
    from claimed c
    left join histograms h on h.workflow_id = c.workflow_id and h.hour = c.hour
    group by c.workflow_id, c.hour
    order by c.workflow_id, c.hour
    on conflict (workflow_id, hour) do update set
      succeeded = run_rollups.succeeded + excluded.succeeded,
      failed = run_rollups.failed + excluded.failed,
      cancelled = run_rollups.cancelled + excluded.cancelled,
      durations = ${mergeSql(sql.raw("run_rollups.durations"), sql.raw("excluded.durations"))}
  `);
  await tx.execute(sql`
    with claimed as (
      select r.id, r.workflow_id, r.status, r.error, r.created_at, r.finished_at,
        ${hourSql("r.created_at")} as hour
      from runs r
      where r.id in (${ids}) and r.status in (${TERMINAL}) and r.test is null
    ),
    attempts as (
      select c.workflow_id, c.hour, s.step_id, s.status, s.attempt,
        ${bucketSql(sql.raw("s.duration_ms"))} as bucket,
        s.duration_ms
      -- A re-run's reused steps ran nothing: they are not attempts.
      from claimed c join run_steps s on s.run_id = c.id and s.reused_from is null
    ),
    step_counts as (
      select workflow_id, hour, step_id,
        count(*) filter (where status in ('succeeded', 'failed')) as attempts,
        count(*) filter (where status = 'failed') as failures,
        count(*) filter (where attempt > 1) as retries
      from attempts group by 1, 2, 3
    ),
    step_buckets as (
      select workflow_id, hour, step_id, bucket, count(*) as n
      from attempts
      where status in ('succeeded', 'failed') and duration_ms is not null
      group by 1, 2, 3, 4
    ),
    step_histograms as (
      select workflow_id, hour, step_id, jsonb_object_agg(bucket::text, n) as durations
      from step_buckets group by 1, 2, 3
    ),
    failed_runs as (
      select distinct on (workflow_id, hour, step_id) workflow_id, hour, step_id, n, id,
        message, at
      from (
        select workflow_id, hour, error->>'step' as step_id, id, error->>'message' as message,
          coalesce(finished_at, created_at) as at,
          count(*) over (partition by workflow_id, hour, error->>'step') as n
        from claimed where status = 'failed' and error->>'step' is not null
      ) f
      order by workflow_id, hour, step_id, at desc, id desc
    ),
    keys as (
      select workflow_id, hour, step_id from step_counts
      union select workflow_id, hour, step_id from failed_runs
    )
    insert into step_rollups (workflow_id, hour, step_id, attempts, failures, retries, durations,
      run_failures, last_failed_run_id, last_failed_at, last_error)
    select k.workflow_id, k.hour, k.step_id,
      coalesce(s.attempts, 0), coalesce(s.failures, 0), coalesce(s.retries, 0),
      coalesce(h.durations, '{}'::jsonb),
      coalesce(f.n, 0), f.id, f.at, f.message
    from keys k
    left join step_counts s using (workflow_id, hour, step_id)
    left join step_histograms h using (workflow_id, hour, step_id)
    left join failed_runs f using (workflow_id, hour, step_id)
    order by k.workflow_id, k.hour, k.step_id
    on conflict (workflow_id, hour, step_id) do update set
      attempts = step_rollups.attempts + excluded.attempts,
      failures = step_rollups.failures + excluded.failures,
      retries = step_rollups.retries + excluded.retries,
      durations = ${mergeSql(sql.raw("step_rollups.durations"), sql.raw("excluded.durations"))},
      run_failures = step_rollups.run_failures + excluded.run_failures,
      last_failed_run_id = case when ${newer} then excluded.last_failed_run_id
        else step_rollups.last_failed_run_id end,
      last_error = case when ${newer} then excluded.last_error else step_rollups.last_error end,
      last_failed_at = case when ${newer} then excluded.last_failed_at
        else step_rollups.last_failed_at end
  `);
}

/**
 * Counts up to `batch` ended runs the rollups do not count yet, in (workflow, creation) order
 * so a batch touches few rollup rows; returns how many. Concurrent callers take different runs
 * (skip locked).
 */
export async function rollUpPendingRuns({
  batch = 1000,
}: {
  batch?: number;
} = {}): Promise<number> {
  return (await db()).transaction(async (tx) => {
    const claimed = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update runs set rolled_up = true
        where id in (
          select id from runs
          where not rolled_up and status in (${TERMINAL})
          order by workflow_id, created_at limit ${batch}
          for update skip locked
        )
        returning id`),
    );
    await addRunsToRollups(
      tx,
      claimed.map((row) => row.id),
    );
    return claimed.length;
  });
}

/** Whether some ended run is not counted yet (cheap: the partial index runs_unrolled_idx). */
export async function hasPendingRollups(): Promise<boolean> {
  const rows = rowsOf(
    await (await db()).execute(sql`
      select 1 from runs
      where not rolled_up and status in (${TERMINAL}) limit 1`),
  );
  return rows.length > 0;
}

/** Counts every pending run, batch by batch (the backfill). Returns how many. */
export async function rollUpAllPendingRuns({ batch = 1000 }: { batch?: number } = {}) {
  let total = 0;
  for (;;) {
    const done = await rollUpPendingRuns({ batch });
    total += done;
    if (done < batch) return total;
  }
}
