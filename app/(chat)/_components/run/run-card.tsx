"use client";

import { useEffect, useRef, useState } from "react";
import { AppError } from "@/lib/errors";
import { formatDuration } from "@/lib/format/duration";
import { isTerminal, type RunStatus, type StepStatus } from "@/lib/runs/status";
import type { WireStep } from "@/lib/runs/wire";
import { useThreadSync } from "./thread-sync";
import { useRun } from "./use-run";

const statusStyle: Record<RunStatus | StepStatus, string> = {
  queued: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  running: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  waiting: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  cancelled: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  skipped: "bg-zinc-100 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400",
};

function formatMs(ms: number | null | undefined) {
  return ms == null ? "" : formatDuration(ms);
}

function elapsed(from: string | null, to: string | null) {
  if (!from) return null;
  return (to ? Date.parse(to) : Date.now()) - Date.parse(from);
}

function pretty(value: unknown) {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** The latest attempt of each unit (step + loop index), in the order they started. */
function latestAttempts(steps: WireStep[]) {
  const byUnit = new Map<string, { latest: WireStep; attempts: number }>();
  for (const step of steps) {
    const key = `${step.stepId}#${step.iteration}`;
    const seen = byUnit.get(key);
    // One row per attempt: count them, keep the newest.
    const attempts = (seen?.attempts ?? 0) + 1;
    const latest = !seen || step.attempt >= seen.latest.attempt ? step : seen.latest;
    byUnit.set(key, { latest, attempts });
  }
  return [...byUnit.values()].sort(
    (a, b) => Date.parse(a.latest.startedAt ?? "") - Date.parse(b.latest.startedAt ?? ""),
  );
}

const JUST_ENDED_MS = 30_000;

export function RunCard({ runId, title }: { runId: string; title?: string }) {
  const { view, error } = useRun(runId);
  const [open, setOpen] = useState<string | null>(null);
  const [showLog, setShowLog] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const threadSync = useThreadSync();

  // What the run posts into the thread (chat.post, its summary) shows up as it happens. A
  // run can also be well under way (or over) before its card first loads (a fast one started
  // from this page, which may already wait for an answer): one that started or ended moments
  // ago syncs the thread on first sight too.
  const signature = view ? `${view.run.status}:${view.events.length}` : null;
  const endedAt = view?.run.finishedAt ? Date.parse(view.run.finishedAt) : null;
  const createdAt = view ? Date.parse(view.run.createdAt) : null;
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!signature) return;
    const recent = (at: number | null) => at !== null && Date.now() - at < JUST_ENDED_MS;
    const fresh = recent(endedAt) || recent(createdAt);
    if (seen.current === null ? fresh : seen.current !== signature) threadSync?.sync();
    seen.current = signature;
  }, [signature, endedAt, createdAt, threadSync]);

  // What an answer or a cancel changes arrives through the run's live stream.
  async function post(url: string, body?: unknown) {
    setProblem(null);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
    if (!response.ok) {
      const parsed = AppError.fromJSON(await response.json().catch(() => undefined));
      setProblem(parsed?.message ?? "That did not work. Try again.");
    }
  }

  if (!view) {
    return (
      <div
        className="rounded-xl border border-zinc-200 p-4 text-sm text-zinc-500 dark:border-zinc-800"
        data-testid="run-card"
      >
        {error ?? "Loading run…"}
      </div>
    );
  }

  const { run } = view;
  const units = latestAttempts(view.steps);
  const finished = isTerminal(run.status);
  // wait.approval is the only wait whose input carries a prompt for the person. A run that
  // ended (cancelled while it waited) asks nothing any more.
  const waitingApproval = finished
    ? []
    : units.filter(
        (u) =>
          u.latest.status === "waiting" &&
          typeof (u.latest.input as { prompt?: unknown } | null)?.prompt === "string",
      );

  return (
    <div
      className="rounded-xl border border-zinc-200 text-sm dark:border-zinc-800"
      data-testid="run-card"
      data-status={run.status}
    >
      <div className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <span className="font-medium">{title ? `Run of ${title}` : "Run"}</span>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusStyle[run.status]}`}
          data-testid="run-status"
        >
          {run.status}
        </span>
        <span className="text-xs text-zinc-500">
          {formatMs(elapsed(run.startedAt ?? run.createdAt, run.finishedAt))}
        </span>
        <div className="ml-auto flex gap-2">
          {!finished ? (
            <button
              type="button"
              className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
              onClick={() => post(`/api/runs/${run.id}/cancel`)}
              data-testid="run-cancel"
            >
              Cancel
            </button>
          ) : null}
          <button
            type="button"
            className="rounded-lg px-2 py-1 text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
            onClick={() => setShowLog((v) => !v)}
          >
            {showLog ? "Hide log" : "Log"}
          </button>
        </div>
      </div>

      {run.status === "failed" && run.error?.message ? (
        <p
          className="border-b border-zinc-200 bg-red-50 px-4 py-2 text-red-800 dark:border-zinc-800 dark:bg-red-950 dark:text-red-200"
          data-testid="run-error"
        >
          {run.error.message}
        </p>
      ) : null}

      {waitingApproval.map((u) => (
        <div
          key={u.latest.id}
          className="flex items-center gap-2 border-b border-zinc-200 bg-amber-50 px-4 py-2 dark:border-zinc-800 dark:bg-amber-950"
        >
          <span className="flex-1">
            {(u.latest.input as { prompt: string }).prompt}{" "}
            <span className="text-xs text-zinc-500">(step {u.latest.stepId})</span>
          </span>
          <button
            type="button"
            className="rounded-lg bg-zinc-900 px-2 py-1 text-xs text-white dark:bg-zinc-100 dark:text-zinc-900"
            onClick={() => post(`/api/runs/${run.id}/waits/${u.latest.stepId}`, { approved: true })}
            data-testid="run-approve"
          >
            Approve
          </button>
          <button
            type="button"
            className="rounded-lg border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700"
            onClick={() =>
              post(`/api/runs/${run.id}/waits/${u.latest.stepId}`, { approved: false })
            }
          >
            Decline
          </button>
        </div>
      ))}

      <ol className="divide-y divide-zinc-100 dark:divide-zinc-900" data-testid="run-steps">
        {units.length === 0 ? (
          <li className="px-4 py-3 text-zinc-500">{finished ? "No steps ran." : "Starting…"}</li>
        ) : null}
        {units.map(({ latest, attempts }) => {
          const key = latest.id;
          const label =
            latest.iteration >= 0 ? `${latest.stepId} [${latest.iteration}]` : latest.stepId;
          return (
            <li
              key={key}
              data-testid="run-step"
              data-step={latest.stepId}
              data-status={latest.status}
            >
              <button
                type="button"
                className="flex w-full items-center gap-2 px-4 py-2 text-left hover:bg-zinc-50 dark:hover:bg-zinc-900"
                onClick={() => setOpen(open === key ? null : key)}
                aria-expanded={open === key}
              >
                <span className={`rounded px-1.5 py-0.5 text-xs ${statusStyle[latest.status]}`}>
                  {latest.status}
                </span>
                <code className="flex-1 truncate">{label}</code>
                {attempts > 1 ? (
                  <span className="text-xs text-zinc-500">{attempts} attempts</span>
                ) : null}
                <span className="w-16 text-right text-xs text-zinc-500">
                  {formatMs(latest.durationMs)}
                </span>
              </button>
              {open === key ? (
                <div className="space-y-2 px-4 pb-3">
                  {latest.error?.message ? (
                    <p className="text-red-700 dark:text-red-300">{latest.error.message}</p>
                  ) : null}
                  {latest.input !== null && latest.input !== undefined ? (
                    <details>
                      <summary className="cursor-pointer text-xs text-zinc-500">Input</summary>
                      <pre className="mt-1 max-h-60 overflow-auto rounded bg-zinc-50 p-2 text-xs dark:bg-zinc-900">
                        {pretty(latest.input)}
                      </pre>
                    </details>
                  ) : null}
                  {latest.output !== null && latest.output !== undefined ? (
                    <details open>
                      <summary className="cursor-pointer text-xs text-zinc-500">Output</summary>
                      <pre className="mt-1 max-h-60 overflow-auto rounded bg-zinc-50 p-2 text-xs dark:bg-zinc-900">
                        {pretty(latest.output)}
                      </pre>
                    </details>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>

      {showLog ? (
        <ol
          className="max-h-72 overflow-auto border-t border-zinc-200 px-4 py-2 font-mono text-xs dark:border-zinc-800"
          data-testid="run-log"
        >
          {view.events.map((event) => (
            <li
              key={event.seq}
              className={
                event.level === "error"
                  ? "text-red-600"
                  : event.level === "warn"
                    ? "text-amber-600"
                    : undefined
              }
            >
              <span className="text-zinc-400">{new Date(event.at).toLocaleTimeString()}</span>{" "}
              {event.stepId ? <span className="text-zinc-500">[{event.stepId}] </span> : null}
              {event.message}
            </li>
          ))}
        </ol>
      ) : null}

      {problem ? (
        <p role="alert" className="px-4 py-2 text-red-600">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
