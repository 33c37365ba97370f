// The workflow's numbers over a window: runs per day, success rate, p50 / p95 duration,
// retries, per-step durations and where it fails (each failure point links to its last run).
import Link from "next/link";
import { formatDuration } from "@/lib/format/duration";
import { formatDateTime } from "@/lib/format/time";
import {
  METRICS_WINDOWS,
  type MetricsWindow,
  type WorkflowMetrics,
} from "@/lib/workflows/history-types";
import { RunsChart } from "../../_components/runs-chart";

const swatch = {
  succeeded: "bg-emerald-500 dark:bg-emerald-400",
  failed: "bg-red-500 dark:bg-red-400",
  other: "bg-zinc-300 dark:bg-zinc-600",
};

const windowLabel: Record<MetricsWindow, string> = {
  "24h": "24 h",
  "7d": "7 days",
  "30d": "30 days",
};

const ms = (value: number | null) => (value === null ? "—" : formatDuration(value));

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <div className="text-xs text-zinc-500 dark:text-zinc-400">{label}</div>
      <div className="mt-0.5 text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function Legend() {
  const items = [
    ["succeeded", "Succeeded"],
    ["failed", "Failed"],
    ["other", "Other"],
  ] as const;
  return (
    <ul className="flex gap-3 text-xs text-zinc-500 dark:text-zinc-400">
      {items.map(([key, label]) => (
        <li key={key} className="flex items-center gap-1">
          <span aria-hidden="true" className={`size-2 rounded-sm ${swatch[key]}`} />
          {label}
        </li>
      ))}
    </ul>
  );
}

export function WindowPicker({
  current,
  hrefFor,
}: {
  current: MetricsWindow;
  hrefFor: (w: MetricsWindow) => string;
}) {
  return (
    <nav
      aria-label="Metrics window"
      className="flex rounded-lg border border-zinc-200 p-0.5 text-xs dark:border-zinc-800"
    >
      {METRICS_WINDOWS.map((window) => (
        <Link
          key={window}
          href={hrefFor(window)}
          scroll={false}
          aria-current={window === current ? "page" : undefined}
          className={`rounded-md px-2.5 py-1 font-medium ${
            window === current
              ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900"
              : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          }`}
          data-testid={`metrics-window-${window}`}
        >
          {windowLabel[window]}
        </Link>
      ))}
    </nav>
  );
}

export function MetricsPanel({
  metrics,
  workflowId,
  timeZone,
}: {
  metrics: WorkflowMetrics;
  workflowId: string;
  timeZone: string;
}) {
  if (metrics.runs === 0) {
    return (
      <p
        className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700"
        data-testid="metrics-empty"
      >
        No runs in the last {windowLabel[metrics.window]}.
      </p>
    );
  }
  const rate = metrics.successRate === null ? "—" : `${Math.round(metrics.successRate * 100)}%`;
  return (
    <div className="flex flex-col gap-5" data-testid="metrics">
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Stat label="Runs" value={String(metrics.runs)} testId="metric-runs" />
        <Stat label="Success rate" value={rate} testId="metric-success-rate" />
        <Stat label="p50 duration" value={ms(metrics.p50Ms)} testId="metric-p50" />
        <Stat label="p95 duration" value={ms(metrics.p95Ms)} testId="metric-p95" />
        <Stat label="Retries spent" value={String(metrics.retries)} testId="metric-retries" />
      </div>

      <figure className="flex flex-col gap-2">
        <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
          <span className="text-sm font-medium">Runs per day</span>
          <Legend />
        </figcaption>
        <RunsChart perDay={metrics.perDay} />
      </figure>

      <section aria-labelledby="failure-points">
        <h3 id="failure-points" className="mb-2 text-sm font-medium">
          Failure points
        </h3>
        {metrics.failurePoints.length === 0 ? (
          <p
            className="text-sm text-zinc-500 dark:text-zinc-400"
            data-testid="failure-points-empty"
          >
            No step failed a run in this window.
          </p>
        ) : (
          <ol className="flex flex-col gap-2" data-testid="failure-points">
            {metrics.failurePoints.map((point) => (
              <li
                key={point.stepId}
                className="rounded-lg border border-red-200 px-3 py-2 dark:border-red-900/60"
                data-testid="failure-point"
                data-step={point.stepId}
              >
                <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                  <span className="font-medium">
                    {point.title ?? point.stepId}
                    {point.title ? (
                      <span className="ml-1.5 font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {point.stepId}
                      </span>
                    ) : null}
                  </span>
                  <span
                    className="text-sm tabular-nums text-red-700 dark:text-red-400"
                    data-testid="failure-count"
                  >
                    {point.failures} failed run{point.failures === 1 ? "" : "s"}
                  </span>
                </div>
                {point.lastError ? (
                  <p
                    className="mt-1 break-words font-mono text-xs text-zinc-600 dark:text-zinc-400"
                    data-testid="failure-error"
                  >
                    {point.lastError}
                  </p>
                ) : null}
                <Link
                  href={`/workflows/${workflowId}/runs/${point.lastRunId}`}
                  className="mt-1 inline-block text-xs font-medium underline-offset-2 hover:underline"
                  data-testid="failure-run-link"
                >
                  Last failure: {formatDateTime(point.lastFailedAt, { timeZone, year: true })} →
                </Link>
              </li>
            ))}
          </ol>
        )}
      </section>

      {metrics.steps.length > 0 ? (
        <section aria-labelledby="step-durations">
          <h3 id="step-durations" className="mb-2 text-sm font-medium">
            Steps
          </h3>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="step-metrics">
              <thead className="border-b border-zinc-200 text-xs text-zinc-500 dark:text-zinc-400 dark:border-zinc-800">
                <tr>
                  <th className="py-1.5 pr-3 font-medium">Step</th>
                  <th className="py-1.5 pr-3 text-right font-medium">p50</th>
                  <th className="py-1.5 pr-3 text-right font-medium">p95</th>
                  <th className="py-1.5 pr-3 text-right font-medium">Attempts</th>
                  <th className="py-1.5 text-right font-medium">Failed</th>
                </tr>
              </thead>
              <tbody>
                {metrics.steps.map((step) => (
                  <tr
                    key={step.stepId}
                    className="border-b border-zinc-100 dark:border-zinc-900"
                    data-testid="step-metric"
                    data-step={step.stepId}
                  >
                    <td className="py-1.5 pr-3">
                      {/* narrow enough on a phone that every figure, Failed too, stays in view */}
                      <span
                        className="block max-w-32 truncate sm:max-w-none"
                        title={step.title ?? step.stepId}
                      >
                        {step.title ?? step.stepId}
                      </span>
                    </td>
                    <td className="py-1.5 pr-3 text-right tabular-nums whitespace-nowrap">
                      {ms(step.p50Ms)}
                    </td>
                    <td className="py-1.5 pr-3 text-right tabular-nums whitespace-nowrap">
                      {ms(step.p95Ms)}
                    </td>
                    <td className="py-1.5 pr-3 text-right tabular-nums">{step.attempts}</td>
                    <td
                      className={`py-1.5 text-right tabular-nums ${step.failures ? "text-red-700 dark:text-red-400" : ""}`}
                    >
                      {step.failures}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
