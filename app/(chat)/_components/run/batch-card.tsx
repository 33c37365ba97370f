"use client";

// What the runs of a webhook workflow posted within one minute, as one compact card: how many
// runs, their status, and their posts; a run's full card opens on demand.
import { useState } from "react";
import type { BatchData } from "@/lib/ai/types";
import { formatClock } from "@/lib/format/time";
import { Markdown } from "../markdown";
import { RunCard } from "./run-card";

const dot: Record<string, string> = {
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  cancelled: "bg-zinc-400",
  waiting: "bg-amber-500",
  running: "bg-blue-500",
  queued: "bg-zinc-300 dark:bg-zinc-600",
};

function clock(iso: string, seconds = true) {
  return formatClock(iso, { seconds });
}

export function BatchCard({ data }: { data: BatchData }) {
  const [open, setOpen] = useState<string | null>(null);
  const failed = data.runs.filter((r) => r.status === "failed").length;
  const unshown = data.total - data.runs.length;
  return (
    <section
      className="rounded-xl border border-zinc-200 p-3 text-sm dark:border-zinc-800"
      data-testid="batch-card"
      aria-label={`Webhook runs of ${data.title}`}
    >
      <header className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="font-medium">{data.title}</span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          webhook · {data.total} run{data.total === 1 ? "" : "s"} at{" "}
          {clock(data.windowStart, false)}
        </span>
        {failed > 0 ? (
          <span className="text-xs font-medium text-red-600 dark:text-red-400">
            {failed} failed
          </span>
        ) : null}
      </header>
      <ul
        className="mt-2 flex flex-wrap items-center gap-1.5"
        data-testid="batch-runs"
        aria-label="Runs"
      >
        <li className="text-xs text-zinc-500 dark:text-zinc-400" aria-hidden>
          Runs
        </li>
        {data.runs.map((run) => (
          <li key={run.runId}>
            <button
              type="button"
              onClick={() => setOpen(open === run.runId ? null : run.runId)}
              aria-expanded={open === run.runId}
              className="inline-flex items-center gap-1.5 rounded-full border border-zinc-200 px-2 py-0.5 text-xs hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-zinc-500 dark:border-zinc-700 dark:hover:bg-zinc-900"
              title={`Run ${run.runId} · ${run.status}`}
            >
              <span
                className={`h-2 w-2 rounded-full ${dot[run.status] ?? dot.queued}`}
                aria-hidden
              />
              {clock(run.at)}
              <span className="sr-only">{run.status}</span>
            </button>
          </li>
        ))}
        {unshown > 0 ? (
          <li className="self-center text-xs text-zinc-500 dark:text-zinc-400">
            and {unshown} more
          </li>
        ) : null}
      </ul>
      {open ? (
        <div className="mt-3">
          <RunCard runId={open} title={data.title} />
        </div>
      ) : null}
      {data.posts.length > 0 ? (
        <div
          className="mt-3 space-y-1 border-t border-zinc-100 pt-2 dark:border-zinc-800"
          data-testid="batch-posts"
        >
          {data.posts.map((post) => (
            <div key={post.key} className="flex items-baseline gap-3">
              <time
                className="shrink-0 text-xs tabular-nums text-zinc-500 dark:text-zinc-400"
                dateTime={post.at}
              >
                {clock(post.at)}
              </time>
              <div className="min-w-0 flex-1 [&_p]:my-1">
                <Markdown>{post.text}</Markdown>
              </div>
            </div>
          ))}
          {data.omittedPosts > 0 ? (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              {data.omittedPosts} more post{data.omittedPosts === 1 ? "" : "s"} not shown.
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
