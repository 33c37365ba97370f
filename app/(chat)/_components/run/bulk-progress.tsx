"use client";

// A bulk action's progress, read from GET /api/runs/bulk/:id once a second until it ends: one
// bar in the chat or on the workflow page instead of a card per run.
import { useEffect, useRef, useState } from "react";
import { type BulkProgressView, bulkProgressRequest } from "./recovery-api";

const ENDED = new Set(["succeeded", "failed", "cancelled"]);
const n = (value: number) => value.toLocaleString("en-US");

export function BulkProgress({
  bulkActionId,
  initial,
  onEnded,
}: {
  bulkActionId: string;
  initial?: BulkProgressView;
  /** Once, when the action has ended (the workflow page reads its run history again). */
  onEnded?: (view: BulkProgressView) => void;
}) {
  const [view, setView] = useState<BulkProgressView | undefined>(initial);
  const [problem, setProblem] = useState<string>();
  const ended = useRef(onEnded);
  useEffect(() => {
    ended.current = onEnded;
  }, [onEnded]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await bulkProgressRequest(bulkActionId);
        if (stopped) return;
        setView(next);
        setProblem(undefined);
        if (ENDED.has(next.status)) {
          ended.current?.(next);
          return;
        }
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
  const isEnded = view ? ENDED.has(view.status) : false;
  const percent =
    view && view.total > 0 ? Math.min(100, Math.round((handled / view.total) * 100)) : 0;
  const cancel = view?.kind === "cancel";
  // A bulk re-run ends once every re-run has started (each then runs on its own): say so.
  const endedWords = (done: number, total: number) =>
    cancel
      ? `Cancelled ${n(done)} of ${n(total)} runs`
      : `Re-run started for ${n(done)} of ${n(total)} runs`;
  const label = !view
    ? "Starting…"
    : view.status === "succeeded"
      ? `${endedWords(view.done, view.total)}${view.failed ? ` · ${n(view.failed)} could not be ${cancel ? "cancelled" : "re-run"}` : ""}${handled < view.total ? ` · ${n(view.total - handled)} had changed meanwhile` : ""}`
      : view.status === "failed"
        ? `Stopped after ${n(handled)} of ${n(view.total)}: ${view.error ?? "a server error"}`
        : `${cancel ? "Cancelling" : "Starting re-runs"}: ${n(handled)} of ${n(view.total)}`;

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
        aria-valuenow={isEnded && view?.status === "succeeded" ? 100 : percent}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={`h-full rounded-full transition-[width] ${view?.status === "failed" ? "bg-red-500" : "bg-emerald-500"}`}
          style={{ width: `${isEnded && view?.status === "succeeded" ? 100 : percent}%` }}
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
