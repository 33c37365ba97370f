"use client";

// A run card in the thread. While its run goes on (or when the person opens it) it is the live
// card; older cards of runs that had ended when the page read them render collapsed from the
// outcome their message stores, so a long thread reads no run until a card is opened.
import { useState } from "react";
import type { RunData } from "@/lib/ai/types";
import { formatDuration } from "@/lib/format/duration";
import { runCardAnchor, useOpenRuns } from "./open-runs";
import { RunCard } from "./run-card";
import { RunTime } from "./run-time";

const dot: Record<string, string> = {
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  cancelled: "bg-zinc-400",
};

export function StoredRunCard({
  data,
  runAt,
  collapsible,
}: {
  data: RunData;
  /** When the run was made (the message's metadata), for the collapsed line. */
  runAt?: string;
  /** An older finished run: collapsed until opened. */
  collapsible: boolean;
}) {
  const runs = useOpenRuns();
  const { outcome } = data;
  // A card this page showed live stays open when its run ends or newer runs push it back:
  // what the person is watching never folds away under them.
  const [shownLive] = useState(() => !(Boolean(outcome) && collapsible));
  const collapsed = !shownLive && Boolean(outcome) && collapsible && !runs.isOpen(data.runId);
  return (
    <div id={runCardAnchor(data.runId)} tabIndex={-1} className="scroll-mt-4 outline-none">
      {collapsed && outcome ? (
        <div
          className="flex flex-col gap-1 rounded-xl border border-zinc-200 px-4 py-2 text-sm dark:border-zinc-800"
          data-testid="run-card-collapsed"
          data-status={outcome.status}
        >
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span
              className={`h-2 w-2 shrink-0 rounded-full ${dot[outcome.status] ?? "bg-zinc-400"}`}
              aria-hidden
            />
            <span className="min-w-0 truncate font-medium">Run of {data.title}</span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">
              {outcome.status}
              {outcome.failedStep ? ` at ${outcome.failedStep}` : ""}
              {outcome.durationMs != null ? ` · ${formatDuration(outcome.durationMs)}` : ""}
              {runAt ? " · " : ""}
              {runAt ? <RunTime iso={runAt} /> : null}
            </span>
            <button
              type="button"
              className="ml-auto rounded-lg border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-zinc-500 dark:border-zinc-700 dark:hover:bg-zinc-900"
              aria-expanded={false}
              onClick={() => runs.setOpen(data.runId, true)}
              data-testid="run-card-open"
            >
              Show run
            </button>
          </div>
          {outcome.error ? (
            <p className="line-clamp-2 text-xs text-red-700 dark:text-red-400">{outcome.error}</p>
          ) : null}
        </div>
      ) : (
        <RunCard runId={data.runId} title={data.title} />
      )}
    </div>
  );
}
