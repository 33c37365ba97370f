"use client";

// Pause / Resume for a workflow, on its page and its plan card: the paused state in plain words
// ("Paused since 14:02 — its schedule, event trigger and webhook start nothing"), Resume with an
// opt-in to start what the schedule missed. Times in the person's zone.
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { AppError } from "@/lib/errors";
import { formatClock, formatDateTime } from "@/lib/format/time";
import { pauseWorkflowRequest, resumeWorkflowRequest } from "./recovery-api";

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:focus-visible:outline-zinc-100";

function since(pausedAt: string, timeZone?: string) {
  const today = formatDateTime(new Date(), { timeZone }).slice(0, 15);
  const day = formatDateTime(pausedAt, { timeZone });
  return day.startsWith(today) ? formatClock(pausedAt, { timeZone }) : day;
}

export function PauseControl({
  workflowId,
  status,
  pausedAt,
  isSchedule,
  timeZone,
  onChanged,
}: {
  workflowId: string;
  status: string;
  pausedAt: string | null;
  /** Its trigger is a schedule (a back-fill can start what it missed). */
  isSchedule: boolean;
  timeZone?: string;
  /** After a change; the default refreshes the page's server data. */
  onChanged?: (status: string) => void;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [backfill, setBackfill] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const checkboxId = useId();

  if (status !== "active" && status !== "paused") return null;

  async function act() {
    setBusy(true);
    setProblem(null);
    setNote(null);
    try {
      if (status === "active") {
        await pauseWorkflowRequest(workflowId);
        onChanged?.("paused");
      } else {
        const { backfilled } = await resumeWorkflowRequest(workflowId, backfill);
        if (backfilled !== undefined) {
          setNote(`Started ${backfilled} missed ${backfilled === 1 ? "run" : "runs"}.`);
        }
        onChanged?.("active");
      }
      if (!onChanged) router.refresh();
    } catch (error) {
      setProblem(error instanceof AppError ? error.message : "That did not work. Try again.");
    } finally {
      setBusy(false);
    }
  }

  const paused = status === "paused";
  return (
    <div className="flex flex-col gap-2" data-testid="pause-control" data-status={status}>
      {paused ? (
        <p
          className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200"
          data-testid="paused-banner"
        >
          <strong className="font-semibold">
            Paused{pausedAt ? ` since ${since(pausedAt, timeZone)}` : ""}
          </strong>{" "}
          — its schedule, event trigger and webhook start nothing until it is resumed. Run now still
          works.
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          disabled={busy}
          onClick={() => void act()}
          className={`min-h-11 rounded-lg border px-4 py-1.5 text-sm font-medium disabled:opacity-60 sm:min-h-9 ${focusRing} ${
            paused
              ? "border-emerald-700 bg-emerald-700 text-white hover:bg-emerald-600"
              : "border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
          }`}
          data-testid={paused ? "resume-workflow" : "pause-workflow"}
        >
          {busy ? (paused ? "Resuming…" : "Pausing…") : paused ? "Resume" : "Pause"}
        </button>
        {paused && isSchedule ? (
          <label htmlFor={checkboxId} className="flex items-center gap-2 text-sm">
            <input
              id={checkboxId}
              type="checkbox"
              checked={backfill}
              onChange={(event) => setBackfill(event.target.checked)}
              className="size-4"
              data-testid="resume-backfill"
            />
            Also start what the schedule missed (latest 100)
          </label>
        ) : null}
      </div>
      {note ? (
        <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
          {note}
        </p>
      ) : null}
      {problem ? (
        <p
          role="alert"
          className="text-xs text-red-600 dark:text-red-400"
          data-testid="pause-error"
        >
          {problem}
        </p>
      ) : null}
    </div>
  );
}
