// TEMPORARY stand-in for lib/db/history-queries.ts (the history helper's), same signatures;
// replaced by a re-export once that branch is merged.
import "server-only";
import { lastRunPerWorkflow, listRunsForWorkflow } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { listWorkflows } from "@/lib/db/workflow-queries";
import type {
  DashboardRow,
  DayCount,
  HistoryFilter,
  HistoryPage,
  HistoryRow,
  MetricsWindow,
  RunTriggerKind,
  WorkflowMetrics,
} from "@/lib/workflows/history-types";

const WINDOW_MS: Record<MetricsWindow, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

function row(run: Run): HistoryRow {
  const trigger = (run.trigger as { type?: string }).type ?? "manual";
  const error = run.error as { step?: string; message?: string } | null;
  const start = run.startedAt ?? run.createdAt;
  return {
    id: run.id,
    status: run.status,
    trigger: trigger as RunTriggerKind,
    versionNumber: null,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - start.getTime() : null,
    failedStep: error?.step ? { id: error.step, title: null } : null,
    error: error?.message ?? null,
  };
}

export async function listRunHistory({
  userId,
  workflowId,
  filter = {},
  cursor,
  limit = 50,
}: {
  userId: string;
  workflowId: string;
  filter?: HistoryFilter;
  cursor?: string | null;
  limit?: number;
}): Promise<HistoryPage> {
  const all = (await listRunsForWorkflow({ userId, workflowId, limit: 1000 })).map(row);
  const kept = all.filter(
    (r) =>
      (!filter.status?.length || filter.status.includes(r.status)) &&
      (!filter.trigger?.length || filter.trigger.includes(r.trigger)) &&
      (!filter.from || r.createdAt >= filter.from) &&
      (!filter.to || r.createdAt < filter.to),
  );
  const start = cursor ? Number(cursor) : 0;
  const runs = kept.slice(start, start + limit);
  return { runs, nextCursor: start + limit < kept.length ? String(start + limit) : null };
}

function dayIn(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(iso));
}

function perDay(rows: HistoryRow[], from: number, to: number, timeZone: string): DayCount[] {
  const days = new Map<string, DayCount>();
  for (let t = from; t < to + 86_400_000; t += 86_400_000) {
    const day = dayIn(new Date(Math.min(t, to)).toISOString(), timeZone);
    days.set(day, { day, succeeded: 0, failed: 0, other: 0 });
  }
  for (const r of rows) {
    const d = days.get(dayIn(r.createdAt, timeZone));
    if (!d) continue;
    if (r.status === "succeeded") d.succeeded++;
    else if (r.status === "failed") d.failed++;
    else d.other++;
  }
  return [...days.values()];
}

function pct(sorted: number[], p: number) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

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
}): Promise<WorkflowMetrics> {
  const to = now.getTime();
  const from = to - WINDOW_MS[window];
  const rows = (await listRunsForWorkflow({ userId, workflowId, limit: 1000 }))
    .map(row)
    .filter((r) => Date.parse(r.createdAt) >= from);
  const succeeded = rows.filter((r) => r.status === "succeeded").length;
  const failed = rows.filter((r) => r.status === "failed").length;
  const durations = rows
    .map((r) => r.durationMs)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  const points = new Map<string, WorkflowMetrics["failurePoints"][number]>();
  for (const r of rows) {
    if (!r.failedStep) continue;
    const seen = points.get(r.failedStep.id);
    if (seen) seen.failures++;
    else
      points.set(r.failedStep.id, {
        stepId: r.failedStep.id,
        title: r.failedStep.title,
        failures: 1,
        lastError: r.error,
        lastRunId: r.id,
        lastFailedAt: r.finishedAt ?? r.createdAt,
      });
  }
  return {
    window,
    from: new Date(from).toISOString(),
    to: now.toISOString(),
    runs: rows.length,
    succeeded,
    failed,
    cancelled: rows.filter((r) => r.status === "cancelled").length,
    successRate: succeeded + failed ? succeeded / (succeeded + failed) : null,
    p50Ms: pct(durations, 0.5),
    p95Ms: pct(durations, 0.95),
    retries: 0,
    perDay: perDay(rows, from, to, timeZone),
    steps: [],
    failurePoints: [...points.values()].sort((a, b) => b.failures - a.failures),
  };
}

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
  const items = await listWorkflows({ userId });
  const last = new Map(
    (await lastRunPerWorkflow({ userId, workflowIds: items.map((i) => i.workflow.id) })).map(
      (run) => [run.workflowId, run],
    ),
  );
  return Promise.all(
    items.map(async ({ workflow }) => {
      const metrics = await getWorkflowMetrics({
        userId,
        workflowId: workflow.id,
        window,
        now,
        timeZone,
      });
      const run = last.get(workflow.id);
      return {
        workflowId: workflow.id,
        title: workflow.title,
        status: workflow.status,
        lastRun: run
          ? { id: run.id, status: run.status, createdAt: run.createdAt.toISOString() }
          : null,
        runs: metrics.runs,
        successRate: metrics.successRate,
        perDay: metrics.perDay,
      };
    }),
  );
}
