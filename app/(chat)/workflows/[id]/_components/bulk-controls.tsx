"use client";

// "Re-run failed runs…" / "Cancel active runs…" on a workflow's page: the dry-run count first,
// in a confirm panel (Escape or "Not now" closes it), then one progress bar for the whole job.
import { useState } from "react";
import { BulkProgress } from "@/app/(chat)/_components/run/bulk-progress";
import {
  type BulkProgressView,
  countBulkRequest,
  startBulkRequest,
} from "@/app/(chat)/_components/run/recovery-api";
import { AppError } from "@/lib/errors";

type Kind = "rerun" | "cancel";

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:focus-visible:outline-zinc-100";
const secondary = `min-h-11 rounded-lg border border-zinc-300 bg-white px-4 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60 sm:min-h-9 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`;

const words: Record<Kind, { open: string; confirm: string; what: string }> = {
  rerun: { open: "Re-run failed runs…", confirm: "Re-run", what: "failed" },
  cancel: {
    open: "Cancel active runs…",
    confirm: "Cancel them",
    what: "queued, running or waiting",
  },
};

export function BulkControls({ workflowId }: { workflowId: string }) {
  const [asking, setAsking] = useState<{ kind: Kind; count: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [started, setStarted] = useState<BulkProgressView | null>(null);
  const body = (kind: Kind) => ({ action: kind, filter: { workflowId } });

  async function ask(kind: Kind) {
    setProblem(null);
    setAsking({ kind, count: null });
    try {
      setAsking({ kind, count: await countBulkRequest(body(kind)) });
    } catch (error) {
      setAsking(null);
      setProblem(error instanceof AppError ? error.message : "Could not count the runs.");
    }
  }

  async function confirm(kind: Kind) {
    setBusy(true);
    setProblem(null);
    try {
      setStarted(await startBulkRequest(body(kind)));
      setAsking(null);
    } catch (error) {
      setProblem(error instanceof AppError ? error.message : "That did not work. Try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-3" data-testid="bulk-controls">
      <div className="flex flex-wrap gap-2">
        {(["rerun", "cancel"] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            className={secondary}
            disabled={busy || asking !== null}
            onClick={() => void ask(kind)}
            data-testid={`bulk-open-${kind}`}
          >
            {words[kind].open}
          </button>
        ))}
      </div>
      {asking ? (
        <section
          role="dialog"
          aria-modal="false"
          aria-labelledby="bulk-confirm-title"
          className="flex flex-col gap-3 rounded-xl border border-amber-300 bg-amber-50/60 p-4 text-sm dark:border-amber-500/40 dark:bg-amber-500/5"
          onKeyDown={(event) => {
            if (event.key === "Escape") setAsking(null);
          }}
          data-testid="bulk-confirm"
        >
          <h3 id="bulk-confirm-title" className="font-medium">
            {asking.count === null
              ? "Counting…"
              : asking.count === 0
                ? `No ${words[asking.kind].what} runs of this workflow.`
                : `${asking.kind === "rerun" ? "Re-run" : "Cancel"} ${asking.count.toLocaleString("en-US")} ${words[asking.kind].what} ${asking.count === 1 ? "run" : "runs"}?`}
          </h3>
          {asking.count ? (
            <p className="text-zinc-600 dark:text-zinc-400">
              {asking.kind === "rerun"
                ? "Each runs once more, queued behind your concurrency limit; no card is posted per run."
                : "Each stops where it is; runs that end meanwhile stay as they ended."}
            </p>
          ) : null}
          <div className="flex flex-wrap gap-2">
            {asking.count ? (
              <button
                type="button"
                disabled={busy}
                onClick={() => void confirm(asking.kind)}
                className={`min-h-11 rounded-lg bg-emerald-600 px-5 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 disabled:opacity-50 sm:min-h-9 sm:px-4 ${focusRing}`}
                data-testid="bulk-confirm-go"
              >
                {busy ? "Starting…" : words[asking.kind].confirm}
              </button>
            ) : null}
            <button type="button" className={secondary} onClick={() => setAsking(null)}>
              Not now
            </button>
          </div>
        </section>
      ) : null}
      {started ? (
        <BulkProgress key={started.id} bulkActionId={started.id} initial={started} />
      ) : null}
      {problem ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400" data-testid="bulk-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
