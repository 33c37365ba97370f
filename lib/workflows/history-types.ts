// The run history and metrics of a workflow as the workflow page, the Workflows list, the chat's
// tool and `GET /api/workflows/:id/runs|metrics` read them. Types only (the browser imports
// them); the queries are lib/db/history-queries.ts. Times are ISO strings, durations ms.
import type { RunStatus } from "@/lib/runs/status";

/** How a run started, in the words the history shows. */
export type RunTriggerKind = "manual" | "chat" | "schedule" | "webhook" | "event";

export const METRICS_WINDOWS = ["24h", "7d", "30d"] as const;
export type MetricsWindow = (typeof METRICS_WINDOWS)[number];

/** Filters of the history; every field optional, `from` inclusive and `to` exclusive. */
export type HistoryFilter = {
  status?: RunStatus[];
  trigger?: RunTriggerKind[];
  from?: string;
  to?: string;
};

/** One row of a workflow's run history. */
export type HistoryRow = {
  id: string;
  status: RunStatus;
  trigger: RunTriggerKind;
  /** The run this one re-ran (it keeps that run's trigger); null for a run of its own. */
  rerunOfId: string | null;
  versionNumber: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** finishedAt − (startedAt ?? createdAt); null while the run has not ended. */
  durationMs: number | null;
  /** The step the run failed at (run.error.step), with its title from the pinned plan when known. */
  failedStep: { id: string; title: string | null } | null;
  error: string | null;
};

/**
 * A page of history, newest first. `nextCursor` is opaque: pass it back as `cursor` for the
 * next (older) page; null on the last page.
 */
export type HistoryPage = { runs: HistoryRow[]; nextCursor: string | null };

/** One day (in the person's zone, `YYYY-MM-DD`) of a workflow's runs. */
export type DayCount = { day: string; succeeded: number; failed: number; other: number };

export type StepMetrics = {
  stepId: string;
  title: string | null;
  /** Attempts that ended (succeeded or failed) in the window. */
  attempts: number;
  p50Ms: number | null;
  p95Ms: number | null;
  failures: number;
};

/** A step ranked by the runs that failed at it, with its newest failure. */
export type FailurePoint = {
  stepId: string;
  title: string | null;
  failures: number;
  lastError: string | null;
  lastRunId: string;
  lastFailedAt: string;
};

export type WorkflowMetrics = {
  window: MetricsWindow;
  from: string;
  to: string;
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / (succeeded + failed), 0..1; null without ended runs. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Attempts beyond the first, summed over every step of every run in the window. */
  retries: number;
  perDay: DayCount[];
  steps: StepMetrics[];
  failurePoints: FailurePoint[];
};

/** One workflow on the person's dashboard (the Workflows list). */
export type DashboardRow = {
  workflowId: string;
  title: string;
  status: "draft" | "active" | "paused" | "archived";
  lastRun: { id: string; status: RunStatus; createdAt: string } | null;
  runs: number;
  successRate: number | null;
  /** One entry per day of the window, oldest first, zero-filled. */
  perDay: DayCount[];
};
