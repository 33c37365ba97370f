"use client";

// A bulk action's progress, read from GET /api/runs/bulk/:id once a second until it ends: one
// bar in the chat or on the workflow page instead of a card per run.
import { useEffect, useState } from "react";
import { type BulkProgressView, bulkProgressRequest } from "./recovery-api";

const ENDED = new Set(["succeeded", "failed", "cancelled"]);
const n = (value: number) => value.toLocaleString("en-US");

export function BulkProgress({
  bulkActionId,
  initial,
}: {
  bulkActionId: string;
  initial?: BulkProgressView;
}) {
  const [view, setView] = useState<BulkProgressView | undefined>(initial);
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await bulkProgressRequest(bulkActionId);
        if (stopped) return;
        setView(next);
        setProblem(undefined);
        if (ENDED.has(next.status)) return;
      } catch (error) {
        if (stopped) return;
        setProblem(error instanceof Error ? error.message : "Could not read the progress.");
      }
      timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [bulkActionId]);

  const handled = view ? view.done + view.failed : 0;
  const ended = view ? ENDED.has(view.status) : false;
  const percent =
    view && view.total > 0 ? Math.min(100, Math.round((handled / view.total) * 100)) : 0;
  const verb = view?.kind === "cancel" ? "Cancelled" : "Re-ran";
  const label = !view
    ? "Starting…"
    : view.status === "succeeded"
      ? `${verb} ${n(view.done)} of ${n(view.total)} runs${view.failed ? ` · ${n(view.failed)} could not be` : ""}${handled < view.total ? ` · ${n(view.total - handled)} had changed meanwhile` : ""}`
      : view.status === "failed"
        ? `Stopped after ${n(handled)} of ${n(view.total)}: ${view.error ?? "a server error"}`
        : `${view.kind === "cancel" ? "Cancelling" : "Re-running"}: ${n(handled)} of ${n(view.total)}`;

  return (
    <div
      className="flex flex-col gap-1.5 rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-900/60"
      data-testid="bulk-progress"
      data-status={view?.status ?? "queued"}
    >
      <div
        role="progressbar"
        aria-label="Bulk action progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={ended && view?.status === "succeeded" ? 100 : percent}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={`h-full rounded-full transition-[width] ${view?.status === "failed" ? "bg-red-500" : "bg-emerald-500"}`}
          style={{ width: `${ended && view?.status === "succeeded" ? 100 : percent}%` }}
        />
      </div>
      <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
        {label}
        {view?.error && view.status !== "failed" ? ` · first problem: ${view.error}` : ""}
      </p>
      {problem ? <p className="text-xs text-red-600 dark:text-red-400">{problem}</p> : null}
    </div>
  );
}
