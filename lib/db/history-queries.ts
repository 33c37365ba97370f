// A workflow's run history (keyset pages, newest first) and its metrics over a window, and the
// person's dashboard over all their workflows. Owner-checked: another person's workflow reads
// as missing. Contract: lib/workflows/history-types.ts.
import "server-only";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isValidTimeZone } from "@/lib/plan/timezone";
import { ACTIVE_STATUSES } from "@/lib/runs/status";
import { type Histogram, percentile } from "@/lib/workflows/duration-histogram";
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

  const conditions: SQL[] = [sql`r.workflow_id = ${workflowId}`, sql`r.user_id = ${userId}`];
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
        v.number as version_number,
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
async function stepTitles(workflow: Workflow): Promise<Map<string, string | null>> {
  const [version] = await (await db())
    .select({ plan: workflowVersions.plan })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflow.id))
    .orderBy(
      desc(sql`${workflowVersions.id} = ${workflow.activeVersionId ?? sql`null`}`),
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

type DayStatusRow = { workflow_id: string; day: string; status: string; n: number };

const ACTIVE = statusesSql(ACTIVE_STATUSES);

/**
 * Runs per zone day and status of the given workflows, created in [from, to): ended runs from
 * the hourly rollups (each hour falls in the zone day it starts in), runs still going from
 * runs_active_idx. One statement, so a run that ends meanwhile is counted once.
 */
async function dayCounts(workflowIds: string[], from: Date, to: Date, timeZone: string) {
  if (workflowIds.length === 0) return [];
  const ids = list(workflowIds);
  const since = from.toISOString();
  const until = to.toISOString();
  return rowsOf<DayStatusRow>(
    await (await db()).execute(sql`
      select r.workflow_id, to_char(r.hour at time zone ${timeZone}, 'YYYY-MM-DD') as day,
        v.status, sum(v.n)::int as n
      from run_rollups r
      cross join lateral (values ('succeeded', r.succeeded), ('failed', r.failed),
        ('cancelled', r.cancelled)) as v(status, n)
      where r.workflow_id in (${ids})
        and r.hour >= ${since}::timestamptz and r.hour < ${until}::timestamptz
      group by 1, 2, 3
      having sum(v.n) > 0
      union all
      select workflow_id, to_char(created_at at time zone ${timeZone}, 'YYYY-MM-DD') as day,
        status, count(*)::int as n
      from runs
      where workflow_id in (${ids}) and status in (${ACTIVE})
        and created_at >= ${since}::timestamptz and created_at < ${until}::timestamptz
      group by 1, 2, 3
    `),
  );
}

function fillDays(days: DayCount[], rows: DayStatusRow[]) {
  const byDay = new Map(days.map((day) => [day.day, day]));
  for (const row of rows) {
    const day = byDay.get(row.day);
    if (!day) continue;
    const n = Number(row.n);
    if (row.status === "succeeded") day.succeeded += n;
    else if (row.status === "failed") day.failed += n;
    else day.other += n;
  }
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
  const workflow = await ownedWorkflow(userId, workflowId);
  if (!workflow) return undefined;
  await rollUpPending();
  const { from, to } = windowBounds(window, now);
  const database = await db();
  const inWindow = (table: string) =>
    sql`${sql.raw(table)}.workflow_id = ${workflowId}
      and ${sql.raw(table)}.hour >= ${from.toISOString()}::timestamptz
      and ${sql.raw(table)}.hour < ${to.toISOString()}::timestamptz`;

  const [titles, days, runBuckets, stepResult, stepBuckets] = await Promise.all([
    stepTitles(workflow),
    dayCounts([workflowId], from, to, timeZone),
    database.execute(sql`
      select e.key as b, sum(e.value::bigint)::int as n
      from run_rollups r cross join lateral jsonb_each_text(r.durations) e
      where ${inWindow("r")}
      group by 1`),
    database.execute(sql`
      select s.step_id, sum(s.attempts)::int as attempts, sum(s.failures)::int as failures,
        sum(s.retries)::int as retries, sum(s.run_failures)::int as run_failures,
        (array_agg(s.last_failed_run_id order by s.last_failed_at desc nulls last,
          s.last_failed_run_id desc))[1] as last_run,
        (array_agg(s.last_error order by s.last_failed_at desc nulls last,
          s.last_failed_run_id desc))[1] as last_error,
        ${isoSql(sql.raw("max(s.last_failed_at)"))} as last_at
      from step_rollups s
      where ${inWindow("s")}
      group by 1`),
    database.execute(sql`
      select s.step_id, e.key as b, sum(e.value::bigint)::int as n
      from step_rollups s cross join lateral jsonb_each_text(s.durations) e
      where ${inWindow("s")}
      group by 1, 2`),
  ]);

  const perDay = emptyDays(from, to, timeZone);
  fillDays(perDay, days);
  const count = (status: string) =>
    days.filter((row) => row.status === status).reduce((sum, row) => sum + Number(row.n), 0);
  const succeeded = count("succeeded");
  const failed = count("failed");
  const runHistogram = histogramOfRows(rowsOf(runBuckets));

  const histograms = new Map<string, Histogram>();
  for (const row of rowsOf<{ step_id: string; b: string; n: number }>(stepBuckets)) {
    const histogram = histograms.get(row.step_id) ?? {};
    histogram[row.b] = (histogram[row.b] ?? 0) + Number(row.n);
    histograms.set(row.step_id, histogram);
  }
  const stepRows = rowsOf<StepRow>(stepResult);
  const steps: StepMetrics[] = stepRows
    .filter((row) => Number(row.attempts) > 0)
    .map((row) => {
      const histogram = histograms.get(row.step_id) ?? {};
      return {
        stepId: row.step_id,
        title: titles.get(row.step_id) ?? null,
        attempts: Number(row.attempts),
        p50Ms: percentile(histogram, 0.5),
        p95Ms: percentile(histogram, 0.95),
        failures: Number(row.failures),
      };
    })
    .sort(byPlanOrder(titles));
  const failurePoints: FailurePoint[] = stepRows
    .filter((row) => Number(row.run_failures) > 0 && row.last_run && row.last_at)
    .map((row) => ({
      stepId: row.step_id,
      title: titles.get(row.step_id) ?? null,
      failures: Number(row.run_failures),
      lastError: row.last_error,
      lastRunId: row.last_run as string,
      lastFailedAt: row.last_at as string,
    }))
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
    runs: days.reduce((sum, row) => sum + Number(row.n), 0),
    succeeded,
    failed,
    cancelled: count("cancelled"),
    successRate: successRate(succeeded, failed),
    p50Ms: percentile(runHistogram, 0.5),
    p95Ms: percentile(runHistogram, 0.95),
    retries: stepRows.reduce((sum, row) => sum + Number(row.retries), 0),
    perDay,
    steps,
    failurePoints,
  };
}

function histogramOfRows(rows: { b: string; n: number }[]): Histogram {
  const histogram: Histogram = {};
  for (const row of rows) histogram[row.b] = (histogram[row.b] ?? 0) + Number(row.n);
  return histogram;
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
  return own.map((workflow) => {
    const mine = days.filter((row) => row.workflow_id === workflow.id);
    const perDay = emptyDays(from, to, timeZone);
    fillDays(perDay, mine);
    const total = (status?: string) =>
      mine
        .filter((row) => !status || row.status === status)
        .reduce((sum, row) => sum + Number(row.n), 0);
    const last = lastBy.get(workflow.id);
    return {
      workflowId: workflow.id,
      title: workflow.title,
      status: workflow.status,
      lastRun: last
        ? { id: last.id, status: last.status, createdAt: new Date(last.createdAt).toISOString() }
        : null,
      runs: total(),
      successRate: successRate(total("succeeded"), total("failed")),
      perDay,
    };
  });
}
