"use client";

// "Re-run failed runs…" / "Cancel active runs…" on a workflow's page: the dry-run count first,
// in a confirm panel (Escape or "Not now" closes it), then one progress bar for the whole job.
// The focus moves into the panel when it opens (to its confirm button once the count is in) and
// back to the button that opened it when it closes; the page's data (the run history) is read
// again once the job has ended.
import { useRouter } from "next/navigation";
import { type ReactNode, useEffect, useRef, useState } from "react";
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

/** The heading row's buttons: as tall as the page's other small controls from 640 px. */
const opener = `min-h-11 rounded-lg border border-zinc-300 bg-white px-3 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-60 sm:min-h-8 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`;

const words: Record<Kind, { open: string; confirm: string; what: string }> = {
  rerun: { open: "Re-run failed runs…", confirm: "Re-run", what: "failed" },
  cancel: {
    open: "Cancel active runs…",
    confirm: "Cancel them",
    what: "queued, running or waiting",
  },
};

/** The section's heading row: its title, with the two bulk buttons at its end (like Metrics). */
export function BulkControls({ workflowId, heading }: { workflowId: string; heading: ReactNode }) {
  const router = useRouter();
  const [asking, setAsking] = useState<{ kind: Kind; count: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [started, setStarted] = useState<BulkProgressView | null>(null);
  const openers = useRef<Partial<Record<Kind, HTMLButtonElement | null>>>({});
  const panel = useRef<HTMLElement>(null);
  const go = useRef<HTMLButtonElement>(null);
  const notNow = useRef<HTMLButtonElement>(null);
  /** The button the focus goes back to once the panel closes. */
  const returnTo = useRef<Kind | null>(null);
  const body = (kind: Kind) => ({ action: kind, filter: { workflowId } });

  // Into the panel as it opens and once it has counted; back to its button once it closes.
  const askingKind = asking?.kind ?? null;
  const counted = asking ? asking.count !== null : false;
  useEffect(() => {
    if (askingKind) {
      (go.current ?? (counted ? notNow.current : panel.current))?.focus();
    } else if (returnTo.current) {
      openers.current[returnTo.current]?.focus();
      returnTo.current = null;
    }
  }, [askingKind, counted]);

  function close() {
    setAsking(null);
  }

  async function ask(kind: Kind) {
    returnTo.current = kind;
    setProblem(null);
    setAsking({ kind, count: null });
    try {
      setAsking({ kind, count: await countBulkRequest(body(kind)) });
    } catch (error) {
      close();
      setProblem(error instanceof AppError ? error.message : "Could not count the runs.");
    }
  }

  async function confirm(kind: Kind) {
    setBusy(true);
    setProblem(null);
    try {
      setStarted(await startBulkRequest(body(kind)));
      close();
    } catch (error) {
      setProblem(error instanceof AppError ? error.message : "That did not work. Try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-3" data-testid="bulk-controls">
      <div className="flex flex-wrap items-center justify-between gap-2">
        {heading}
        <div className="flex flex-wrap gap-2">
          {(["rerun", "cancel"] as const).map((kind) => (
            <button
              key={kind}
              ref={(element) => {
                openers.current[kind] = element;
              }}
              type="button"
              className={opener}
              disabled={busy || asking !== null}
              onClick={() => void ask(kind)}
              data-testid={`bulk-open-${kind}`}
            >
              {words[kind].open}
            </button>
          ))}
        </div>
      </div>
      {asking ? (
        <section
          ref={panel}
          tabIndex={-1}
          role="dialog"
          aria-modal="false"
          aria-labelledby="bulk-confirm-title"
          aria-busy={asking.count === null}
          className="flex flex-col gap-3 rounded-xl border border-amber-300 bg-amber-50/60 p-4 text-sm outline-none dark:border-amber-500/40 dark:bg-amber-500/5"
          onKeyDown={(event) => {
            if (event.key === "Escape") close();
          }}
          data-testid="bulk-confirm"
        >
          <h3 id="bulk-confirm-title" className="font-medium">
            {asking.count === null ? (
              "Counting…"
            ) : asking.count === 0 ? (
              `No ${words[asking.kind].what} runs of this workflow.`
            ) : (
              <>
                {asking.kind === "rerun" ? "Re-run" : "Cancel"}{" "}
                <strong className="font-semibold" data-testid="bulk-confirm-count">
                  {asking.count.toLocaleString("en-US")} {words[asking.kind].what}{" "}
                  {asking.count === 1 ? "run" : "runs"}
                </strong>
                ?
              </>
            )}
          </h3>
          {asking.count ? (
            <p className="max-w-prose text-zinc-600 dark:text-zinc-400">
              {asking.kind === "rerun"
                ? "Each runs again from the step that failed, reusing what the steps before it produced, no more at once than your concurrency allows. Progress shows here."
                : "Each stops where it is; runs that end meanwhile stay as they ended. Progress shows here."}
            </p>
          ) : null}
          <div className="flex flex-wrap gap-2">
            {asking.count ? (
              <button
                ref={go}
                type="button"
                disabled={busy}
                onClick={() => void confirm(asking.kind)}
                className={`min-h-11 rounded-lg bg-emerald-700 px-5 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50 sm:min-h-9 sm:px-4 ${focusRing}`}
                data-testid="bulk-confirm-go"
              >
                {busy ? "Starting…" : words[asking.kind].confirm}
              </button>
            ) : null}
            <button ref={notNow} type="button" className={secondary} onClick={close}>
              Not now
            </button>
          </div>
        </section>
      ) : null}
      {started ? (
        <BulkProgress
          key={started.id}
          bulkActionId={started.id}
          initial={started}
          onEnded={() => router.refresh()}
        />
      ) : null}
      {problem ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400" data-testid="bulk-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
