// A workflow's run history (keyset pages, newest first) and its metrics over a window, and the
// person's dashboard over all their workflows. Owner-checked: another person's workflow reads
// as missing. Contract: lib/workflows/history-types.ts.
import "server-only";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isValidTimeZone } from "@/lib/plan/timezone";
import { ACTIVE_STATUSES } from "@/lib/runs/status";
import { type Histogram, mergeHistograms, percentile } from "@/lib/workflows/duration-histogram";
import type {
  DashboardRow,
  DayCount,
  FailurePoint,
  HistoryFilter,
  HistoryPage,
  HistoryRow,
  MetricsWindow,
  RunTriggerKind,
  StepMetrics,
  WorkflowMetrics,
} from "@/lib/workflows/history-types";
import {
  decodeCursor,
  emptyDays,
  encodeCursor,
  windowBounds,
} from "@/lib/workflows/history-window";
import {
  isoMicrosSql,
  isoSql,
  rowsOf,
  runDurationSql,
  statusesSql,
  triggerKindSql,
} from "./history-sql";
import { queryDb as db } from "./index";
import { hasPendingRollups, rollUpAllPendingRuns } from "./rollup-queries";
import { lastRunPerWorkflow } from "./run-queries";
import { type Workflow, workflows, workflowVersions } from "./schema";

export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 200;

const workflowNotFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

async function ownedWorkflow(userId: string, workflowId: string): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, workflowId), eq(workflows.userId, userId)));
  return workflow;
}

function timestampParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new AppError("bad_request:run", `\`${name}\` is not a date (use ISO 8601).`);
  }
  return at.toISOString();
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );

type HistorySqlRow = {
  id: string;
  status: HistoryRow["status"];
  trigger: RunTriggerKind;
  rerun_of_id: string | null;
  version_number: number | null;
  created_at: string;
  cursor_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  failed_step: string | null;
  failed_title: string | null;
  error: string | null;
};

/**
 * One page of the workflow's runs, newest first (created_at, id), after `cursor`. Keyset
 * pagination: a page costs the same however deep it is, and runs created meanwhile never
 * shift it.
 */
export async function listRunHistory({
  userId,
  workflowId,
  filter = {},
  cursor,
  limit = HISTORY_PAGE_DEFAULT,
}: {
  userId: string;
  workflowId: string;
  filter?: HistoryFilter;
  cursor?: string | null;
  limit?: number;
}): Promise<HistoryPage> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  if (cursor && !after) throw new AppError("bad_request:run", "The cursor is not valid.");
  const from = timestampParam(filter.from, "from");
  const to = timestampParam(filter.to, "to");
  const size = Math.min(Math.max(Math.trunc(limit) || HISTORY_PAGE_DEFAULT, 1), HISTORY_PAGE_MAX);
  if (!(await ownedWorkflow(userId, workflowId))) throw workflowNotFound();

  // Test runs simulated their side effects: they are not part of the history.
  const conditions: SQL[] = [
    sql`r.workflow_id = ${workflowId}`,
    sql`r.user_id = ${userId}`,
    sql`r.test is null`,
  ];
  if (filter.status?.length) conditions.push(sql`r.status in (${list(filter.status)})`);
  if (filter.trigger?.length) {
    conditions.push(sql`${triggerKindSql(sql.raw("r.trigger"))} in (${list(filter.trigger)})`);
  }
  if (from) conditions.push(sql`r.created_at >= ${from}::timestamptz`);
  if (to) conditions.push(sql`r.created_at < ${to}::timestamptz`);
  if (after) {
    conditions.push(
      sql`(r.created_at, r.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const failedStep = sql.raw("(r.error->>'step')");
  const rows = rowsOf<HistorySqlRow>(
    await (await db()).execute(sql`
      select r.id, r.status, ${triggerKindSql(sql.raw("r.trigger"))} as trigger,
        r.rerun_of_id, v.number as version_number,
        ${isoSql(sql.raw("r.created_at"))} as created_at,
        ${isoMicrosSql(sql.raw("r.created_at"))} as cursor_at,
        ${isoSql(sql.raw("r.started_at"))} as started_at,
        ${isoSql(sql.raw("r.finished_at"))} as finished_at,
        case when r.finished_at is null then null
          else greatest(0, round(${runDurationSql("r.")}))::bigint end as duration_ms,
        ${failedStep} as failed_step,
        case when ${failedStep} is null then null else (
          select s->>'title'
          from jsonb_array_elements(
            coalesce(v.plan->'steps', '[]'::jsonb) || coalesce(v.plan->'onFailure', '[]'::jsonb)
          ) s
          where s->>'id' = ${failedStep} limit 1
        ) end as failed_title,
        r.error->>'message' as error
      from runs r left join workflow_versions v on v.id = r.version_id
      where ${sql.join(conditions, sql` and `)}
      order by r.created_at desc, r.id desc
      limit ${size + 1}
    `),
  );
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    runs: page.map(
      (row): HistoryRow => ({
        id: row.id,
        status: row.status,
        trigger: row.trigger,
        rerunOfId: row.rerun_of_id,
        versionNumber: row.version_number === null ? null : Number(row.version_number),
        createdAt: row.created_at,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
        failedStep: row.failed_step ? { id: row.failed_step, title: row.failed_title } : null,
        error: row.error,
      }),
    ),
    nextCursor:
      rows.length > size && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
  };
}

/** Step id → title, from the workflow's active version (else its newest). */
async function stepTitles(workflowId: string): Promise<Map<string, string | null>> {
  const [version] = await (await db())
    .select({ plan: workflowVersions.plan })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(
      desc(
        sql`${workflowVersions.id} is not distinct from (select ${workflows.activeVersionId} from ${workflows} where ${workflows.id} = ${workflowId})`,
      ),
      desc(workflowVersions.number),
    )
    .limit(1);
  const plan = (version?.plan ?? {}) as { steps?: unknown; onFailure?: unknown };
  const titles = new Map<string, string | null>();
  for (const step of [plan.steps, plan.onFailure].flatMap((s) => (Array.isArray(s) ? s : []))) {
    const { id, title } = (step ?? {}) as { id?: unknown; title?: unknown };
    if (typeof id === "string" && !titles.has(id)) {
      titles.set(id, typeof title === "string" ? title : null);
    }
  }
  return titles;
}

function checkTimeZone(timeZone: string) {
  if (!isValidTimeZone(timeZone)) {
    throw new AppError("bad_request:run", `Unknown time zone "${timeZone}".`);
  }
}

function successRate(succeeded: number, failed: number): number | null {
  return succeeded + failed === 0 ? null : succeeded / (succeeded + failed);
}

type DayRow = {
  workflow_id: string;
  day: string;
  succeeded: number;
  failed: number;
  cancelled: number;
  active: number;
};

const ACTIVE = statusesSql(ACTIVE_STATUSES);

/**
 * Runs per zone day of the given workflows, created in [from, to): ended runs from the hourly
 * rollups (each hour falls in the zone day it starts in), runs still going from
 * runs_active_idx. One statement, so a run that ends meanwhile is counted once.
 */
async function dayCounts(
  workflowIds: string[],
  from: Date,
  to: Date,
  timeZone: string,
): Promise<DayRow[]> {
  if (workflowIds.length === 0) return [];
  const ids = list(workflowIds);
  const since = from.toISOString();
  const until = to.toISOString();
  const rows = rowsOf<DayRow>(
    await (await db()).execute(sql`
      select workflow_id, day, sum(succeeded)::int as succeeded, sum(failed)::int as failed,
        sum(cancelled)::int as cancelled, sum(active)::int as active
      from (
        select workflow_id, to_char(hour at time zone ${timeZone}, 'YYYY-MM-DD') as day,
          succeeded, failed, cancelled, 0 as active
        from run_rollups
        where workflow_id in (${ids})
          and hour >= ${since}::timestamptz and hour < ${until}::timestamptz
        union all
        select workflow_id, to_char(created_at at time zone ${timeZone}, 'YYYY-MM-DD'), 0, 0, 0, 1
        from runs
        where workflow_id in (${ids}) and status in (${ACTIVE}) and test is null
          and created_at >= ${since}::timestamptz and created_at < ${until}::timestamptz
      ) counted
      group by 1, 2
    `),
  );
  return rows.map((row) => ({
    ...row,
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    cancelled: Number(row.cancelled),
    active: Number(row.active),
  }));
}

function fillDays(days: DayCount[], rows: DayRow[]) {
  const byDay = new Map(days.map((day) => [day.day, day]));
  for (const row of rows) {
    const day = byDay.get(row.day);
    if (!day) continue;
    day.succeeded += row.succeeded;
    day.failed += row.failed;
    day.other += row.cancelled + row.active;
  }
}

function totals(rows: DayRow[]) {
  const sum = (key: "succeeded" | "failed" | "cancelled" | "active") =>
    rows.reduce((n, row) => n + row[key], 0);
  const counted = {
    succeeded: sum("succeeded"),
    failed: sum("failed"),
    cancelled: sum("cancelled"),
    active: sum("active"),
  };
  return {
    ...counted,
    runs: counted.succeeded + counted.failed + counted.cancelled + counted.active,
  };
}

/** The rollups count every ended run before they are read (a no-op in steady state). */
async function rollUpPending() {
  if (await hasPendingRollups()) await rollUpAllPendingRuns();
}

type StepRow = {
  step_id: string;
  attempts: number;
  failures: number;
  retries: number;
  run_failures: number;
  durations: unknown;
  last_run: string | null;
  last_error: string | null;
  last_at: string | null;
};

/**
 * The workflow's metrics over the window (whole UTC hours up to the current one), days in
 * the person's zone, read from the hourly rollups. Steps, retries and durations count runs
 * that ended; run counts include runs still going (as `other`). Percentiles come from log
 * buckets (lib/workflows/duration-histogram.ts: within ≈ 9 %). Undefined when the workflow
 * is not the caller's.
 */
export async function getWorkflowMetrics({
  userId,
  workflowId,
  window,
  now = new Date(),
  timeZone,
}: {
  userId: string;
  workflowId: string;
  window: MetricsWindow;
  now?: Date;
  timeZone: string;
}): Promise<WorkflowMetrics | undefined> {
  checkTimeZone(timeZone);
  const { from, to } = windowBounds(window, now);
  const database = await db();
  const inWindow = (table: string) =>
    sql`${sql.raw(table)}.workflow_id = ${workflowId}
      and ${sql.raw(table)}.hour >= ${from.toISOString()}::timestamptz
      and ${sql.raw(table)}.hour < ${to.toISOString()}::timestamptz`;

  // One round: the owner check and the backfill check go with the reads (nothing is
  // returned to a non-owner); per step, its hours' histograms come as one JSON array text
  // (string_agg of the jsonb texts: jsonb_agg costs far more for the same array).
  const [workflow, pending, titles, days, runRows, stepResult] = await Promise.all([
    ownedWorkflow(userId, workflowId),
    hasPendingRollups(),
    stepTitles(workflowId),
    dayCounts([workflowId], from, to, timeZone),
    database.execute(sql`
      select '[' || coalesce(string_agg(r.durations::text, ','), '') || ']' as durations
      from run_rollups r where ${inWindow("r")} and r.durations <> '{}'::jsonb`),
    database.execute(sql`
      select s.step_id, sum(s.attempts)::int as attempts, sum(s.failures)::int as failures,
        sum(s.retries)::int as retries, sum(s.run_failures)::int as run_failures,
        '[' || coalesce(string_agg(s.durations::text, ',')
          filter (where s.durations <> '{}'::jsonb), '') || ']' as durations,
        (array_agg(s.last_failed_run_id order by s.last_failed_at desc nulls last,
          s.last_failed_run_id desc))[1] as last_run,
        (array_agg(s.last_error order by s.last_failed_at desc nulls last,
          s.last_failed_run_id desc))[1] as last_error,
        ${isoSql(sql.raw("max(s.last_failed_at)"))} as last_at
      from step_rollups s
      where ${inWindow("s")}
      group by 1`),
  ]);
  if (!workflow) return undefined;
  if (pending) {
    await rollUpAllPendingRuns();
    return getWorkflowMetrics({ userId, workflowId, window, now, timeZone });
  }

  const perDay = emptyDays(from, to, timeZone);
  fillDays(perDay, days);
  const counted = totals(days);
  const [runHistograms] = rowsOf<{ durations: unknown }>(runRows);
  const runHistogram = mergeHistograms(...histogramsOf(runHistograms?.durations));

  const bySteps = new Map<string, StepSum>();
  for (const row of rowsOf<StepRow>(stepResult)) {
    bySteps.set(row.step_id, {
      attempts: Number(row.attempts),
      failures: Number(row.failures),
      retries: Number(row.retries),
      runFailures: Number(row.run_failures),
      histogram: mergeHistograms(...histogramsOf(row.durations)),
      last:
        row.last_run && row.last_at
          ? { runId: row.last_run, at: row.last_at, error: row.last_error }
          : null,
    });
  }
  const stepSums = [...bySteps.entries()];
  const steps: StepMetrics[] = stepSums
    .filter(([, sum]) => sum.attempts > 0)
    .map(([stepId, sum]) => ({
      stepId,
      title: titles.get(stepId) ?? null,
      attempts: sum.attempts,
      p50Ms: percentile(sum.histogram, 0.5),
      p95Ms: percentile(sum.histogram, 0.95),
      failures: sum.failures,
    }))
    .sort(byPlanOrder(titles));
  const failurePoints: FailurePoint[] = stepSums
    .flatMap(([stepId, sum]) =>
      sum.runFailures > 0 && sum.last
        ? [
            {
              stepId,
              title: titles.get(stepId) ?? null,
              failures: sum.runFailures,
              lastError: sum.last.error,
              lastRunId: sum.last.runId,
              lastFailedAt: sum.last.at,
            },
          ]
        : [],
    )
    .sort(
      (a, b) =>
        b.failures - a.failures ||
        b.lastFailedAt.localeCompare(a.lastFailedAt) ||
        a.stepId.localeCompare(b.stepId),
    );

  return {
    window,
    from: from.toISOString(),
    to: to.toISOString(),
    runs: counted.runs,
    succeeded: counted.succeeded,
    failed: counted.failed,
    cancelled: counted.cancelled,
    successRate: successRate(counted.succeeded, counted.failed),
    p50Ms: percentile(runHistogram, 0.5),
    p95Ms: percentile(runHistogram, 0.95),
    retries: stepSums.reduce((n, [, sum]) => n + sum.retries, 0),
    perDay,
    steps,
    failurePoints,
  };
}

type StepSum = {
  attempts: number;
  failures: number;
  retries: number;
  runFailures: number;
  histogram: Histogram;
  last: { runId: string; at: string; error: string | null } | null;
};

/** A JSON array of histograms (text, or parsed by a driver). */
function histogramsOf(value: unknown): Histogram[] {
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as Histogram[]) : [];
}

/** Steps in the plan's order, then steps no longer in the plan by id. */
function byPlanOrder(titles: Map<string, string | null>) {
  const order = new Map([...titles.keys()].map((id, index) => [id, index]));
  return (a: { stepId: string }, b: { stepId: string }) =>
    (order.get(a.stepId) ?? Number.MAX_SAFE_INTEGER) -
      (order.get(b.stepId) ?? Number.MAX_SAFE_INTEGER) || a.stepId.localeCompare(b.stepId);
}

/**
 * Every workflow of the person (most recently changed first) with its last run, however old,
 * and its runs over the window by zone day.
 */
export async function getDashboard({
  userId,
  window,
  now = new Date(),
  timeZone,
}: {
  userId: string;
  window: MetricsWindow;
  now?: Date;
  timeZone: string;
}): Promise<DashboardRow[]> {
  checkTimeZone(timeZone);
  await rollUpPending();
  const { from, to } = windowBounds(window, now);
  const own = await (await db())
    .select()
    .from(workflows)
    .where(eq(workflows.userId, userId))
    .orderBy(desc(workflows.updatedAt), desc(workflows.id));
  const ids = own.map((workflow) => workflow.id);
  const [lastRuns, days] = await Promise.all([
    lastRunPerWorkflow({ userId, workflowIds: ids }),
    dayCounts(ids, from, to, timeZone),
  ]);
  const lastBy = new Map(lastRuns.map((run) => [run.workflowId, run]));
  const empty = emptyDays(from, to, timeZone);
  return own.map((workflow) => {
    const mine = days.filter((row) => row.workflow_id === workflow.id);
    const perDay = empty.map((day) => ({ ...day }));
    fillDays(perDay, mine);
    const counted = totals(mine);
    const last = lastBy.get(workflow.id);
    return {
      workflowId: workflow.id,
      title: workflow.title,
      status: workflow.status,
      lastRun: last
        ? { id: last.id, status: last.status, createdAt: new Date(last.createdAt).toISOString() }
        : null,
      runs: counted.runs,
      successRate: successRate(counted.succeeded, counted.failed),
      perDay,
    };
  });
}
