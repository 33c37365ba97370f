// SQL fragments the history, metrics and rollup queries share, so a run's trigger kind, its
// duration and its duration bucket are computed one way everywhere.
import { type SQL, sql } from "drizzle-orm";
import { BUCKET_COUNT, BUCKETS_PER_DOUBLING } from "@/lib/workflows/duration-histogram";

/** The RunTriggerKind of `runs.trigger` (lib/workflows/history-window.ts triggerKindOf). */
export const triggerKindSql = (trigger: SQL = sql.raw("trigger")) =>
  sql`(case when ${trigger}->>'type' in ('schedule', 'webhook', 'event') then ${trigger}->>'type' when ${trigger}->>'via' = 'chat' then 'chat' else 'manual' end)`;

/** A run's duration in ms: finished − (started ?? created). */
export const runDurationSql = (alias = "") =>
  sql.raw(
    `(extract(epoch from (${alias}finished_at - coalesce(${alias}started_at, ${alias}created_at))) * 1000)`,
  );

/** The histogram bucket of a duration in ms (lib/workflows/duration-histogram.ts bucketOf). */
export const bucketSql = (ms: SQL) =>
  sql`(case when ${ms} is null or ${ms} < 1 then 0 else least(${sql.raw(String(BUCKET_COUNT - 1))}, 1 + floor(ln(${ms}::float8) / ln(2) * ${sql.raw(String(BUCKETS_PER_DOUBLING))} + 1e-9)::int) end)`;

/** A timestamptz as ISO 8601 UTC with milliseconds (the wire form). */
export const isoSql = (at: SQL) =>
  sql`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A timestamptz as ISO 8601 UTC with microseconds (exact, for cursors). */
export const isoMicrosSql = (at: SQL) =>
  sql`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A constant list of statuses as SQL literals, so the planner can match partial indexes whose
 * predicate names them (a bound parameter would hide the values from it).
 */
export const statusesSql = (statuses: readonly string[]) =>
  sql.raw(
    statuses
      .map((status) => {
        if (!/^[a-z]+$/.test(status)) throw new Error(`not a status: ${status}`);
        return `'${status}'`;
      })
      .join(", "),
  );

/** The rows of `db.execute`, whichever driver answered (postgres-js: an array; PGlite: { rows }). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
