"use client";

// A run's re-run links, both ways: "Re-run of the run at 18:02" on a re-run's card and
// "Re-run as the run at 18:05" on the run it re-ran (newest first). A link opens the other
// card in the thread and scrolls to it, or the run's own page when it is not in the thread.
// Statuses follow the thread's live stream, so a re-run started from this card is seen ending.
import { useEffect, useState } from "react";
import type { RunStatus } from "@/lib/runs/status";
import type { WireRunLink } from "@/lib/runs/wire";
import { useThreadLive } from "../live-provider";
import { useOpenRunsIfAny } from "../open-runs";
import { RunTime } from "../run-time";
import { pillTone } from "../timeline/state-style";

/** How many "re-run as" links show before "and N more". */
const SHOWN = 3;

function useLiveStatus(link: WireRunLink): RunStatus {
  const live = useThreadLive();
  const [status, setStatus] = useState(link.status);
  useEffect(() => setStatus(link.status), [link.status]);
  useEffect(() => {
    if (!live) return;
    return live.subscribeRun(link.runId, (frame) =>
      setStatus(frame.kind === "run" ? frame.run.status : frame.event.run.status),
    );
  }, [live, link.runId]);
  return status;
}

function RunLink({ link, workflowId }: { link: WireRunLink; workflowId: string }) {
  const runs = useOpenRunsIfAny();
  const status = useLiveStatus(link);
  return (
    <span
      className="inline-flex min-w-0 items-center gap-1.5"
      data-testid="rerun-link"
      data-run={link.runId}
    >
      <a
        href={`/workflows/${workflowId}/runs/${link.runId}`}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          if (runs?.reveal(link.runId)) event.preventDefault();
        }}
        className="font-medium text-zinc-800 underline decoration-zinc-400 underline-offset-2 hover:decoration-zinc-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 dark:text-zinc-200 dark:decoration-zinc-500 dark:hover:decoration-zinc-200"
      >
        the run at <RunTime iso={link.createdAt} />
      </a>{" "}
      <span
        className={`rounded-full px-1.5 py-px text-[10px] font-medium ${pillTone[status]}`}
        data-testid="rerun-link-status"
      >
        {status}
      </span>
    </span>
  );
}

export function RerunLinks({
  workflowId,
  rerunOf,
  rerunAs,
  reusedCount,
}: {
  workflowId: string;
  rerunOf: WireRunLink | null;
  /** Newest first. */
  rerunAs: WireRunLink[];
  /** Units this run took from its source, when it is a re-run. */
  reusedCount: number;
}) {
  const [all, setAll] = useState(false);
  if (!rerunOf && rerunAs.length === 0) return null;
  const shown = all ? rerunAs : rerunAs.slice(0, SHOWN);
  return (
    <div
      className="flex flex-col gap-1 border-b border-zinc-200 px-3 py-1.5 text-xs text-zinc-600 sm:px-4 dark:border-zinc-800 dark:text-zinc-400"
      data-testid="rerun-links"
    >
      {rerunOf ? (
        <p
          className="flex min-w-0 flex-wrap items-center gap-x-1.5 gap-y-0.5"
          data-testid="rerun-of"
        >
          <RerunIcon />
          <span>Re-run of</span> <RunLink link={rerunOf} workflowId={workflowId} />{" "}
          {reusedCount > 0 ? (
            <span>
              · reuses {reusedCount} {reusedCount === 1 ? "output" : "outputs"}
            </span>
          ) : null}
        </p>
      ) : null}
      {rerunAs.length > 0 ? (
        <p
          className="flex min-w-0 flex-wrap items-center gap-x-1.5 gap-y-0.5"
          data-testid="rerun-as"
        >
          <RerunIcon />
          <span>Re-run as</span>{" "}
          {shown.map((link, index) => (
            <span key={link.runId} className="inline-flex items-center gap-1.5">
              <RunLink link={link} workflowId={workflowId} />
              {index < shown.length - 1 ? <span aria-hidden> · </span> : null}
            </span>
          ))}
          {rerunAs.length > SHOWN ? (
            <button
              type="button"
              className="underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-blue-500"
              onClick={() => setAll((value) => !value)}
              aria-expanded={all}
            >
              {all ? "fewer" : `and ${rerunAs.length - SHOWN} more`}
            </button>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

function RerunIcon() {
  return (
    <svg
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      focusable={false}
      className="h-3.5 w-3.5 shrink-0"
    >
      <path d="M15.5 8A6 6 0 0 0 4.6 6.2M4.5 3v3.3h3.3M4.5 12a6 6 0 0 0 10.9 1.8M15.5 17v-3.3h-3.3" />
    </svg>
  );
}
