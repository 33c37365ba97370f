"use client";

// The line above what a workflow posted: "<workflow> · run of 07:30", the run's time opening
// its card (in the thread, or here when the thread does not show it).
import { useState } from "react";
import { useOpenRuns } from "./open-runs";
import { RunCard } from "./run-card";
import { RunTime } from "./run-time";

export function PostHeader({
  title,
  runId,
  runAt,
}: {
  title: string;
  runId?: string;
  runAt?: string;
}) {
  const runs = useOpenRuns();
  const [inline, setInline] = useState(false);
  return (
    <div className="flex flex-col gap-2">
      <p
        className="flex min-w-0 flex-wrap items-center gap-x-1.5 text-xs text-zinc-500 dark:text-zinc-400"
        data-testid="post-header"
      >
        <span className="h-1.5 w-1.5 shrink-0 rounded-full bg-violet-500" aria-hidden />
        <span className="truncate font-medium text-zinc-700 dark:text-zinc-300">{title}</span>
        {runId ? (
          <>
            <span aria-hidden>·</span>
            <button
              type="button"
              className="rounded underline-offset-2 hover:text-zinc-800 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-500 dark:hover:text-zinc-200"
              onClick={() => {
                if (!runs.reveal(runId)) setInline((open) => !open);
              }}
              aria-expanded={inline}
              data-testid="post-run-link"
            >
              run{runAt ? " of " : ""}
              {runAt ? <RunTime iso={runAt} /> : null}
            </button>
          </>
        ) : null}
      </p>
      {inline && runId ? <RunCard runId={runId} title={title} /> : null}
    </div>
  );
}
