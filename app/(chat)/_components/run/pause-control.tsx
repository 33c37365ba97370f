"use client";

// Pause / Resume for a workflow, on its page and its plan card: the paused state in plain words
// ("Paused since 14:02 — its schedule, event trigger and webhook start nothing"), Resume with an
// opt-in to start what the schedule missed. Times in the person's zone.
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useTransition } from "react";
import { AppError } from "@/lib/errors";
import { formatWhen } from "@/lib/format/time";
import { pauseWorkflowRequest, resumeWorkflowRequest } from "./recovery-api";

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:focus-visible:outline-zinc-100";

/** What a pause stops, by trigger. */
function stopped(triggerType: string | undefined) {
  switch (triggerType) {
    case "schedule":
      return "its schedule starts no runs";
    case "once":
      return "its one-time run does not start";
    case "webhook":
      return "its webhook turns requests away";
    case "event":
      return "its event trigger starts no runs";
    case "manual":
      return "nothing starts it on its own";
    default:
      return "its schedule, event trigger and webhook start nothing";
  }
}

export function PauseControl({
  workflowId,
  status,
  pausedAt,
  isSchedule,
  triggerType,
  timeZone,
  onChanged,
}: {
  workflowId: string;
  status: string;
  pausedAt: string | null;
  /** Its trigger is a schedule (a back-fill can start what it missed). */
  isSchedule: boolean;
  /** Its trigger's type, for the banner's words (what pausing stops). */
  triggerType?: string;
  timeZone?: string;
  /** After a change; the default refreshes the page's server data. */
  onChanged?: (status: string) => void;
}) {
  const router = useRouter();
  const [acting, setActing] = useState(false);
  // The page's refresh after a change: the button says it works until the new state is shown.
  const [refreshing, startRefresh] = useTransition();
  const busy = acting || refreshing;
  const [problem, setProblem] = useState<string | null>(null);
  const [backfill, setBackfill] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const checkboxId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  /** The state the person changed it to from the focused button: the focus follows it there. */
  const refocusAt = useRef<string | null>(null);
  useEffect(() => {
    if (refocusAt.current !== status) return;
    refocusAt.current = null;
    buttonRef.current?.focus();
  }, [status]);

  if (status !== "active" && status !== "paused") return null;

  async function act() {
    if (busy) return;
    const target = status === "active" ? "paused" : "active";
    const hadFocus = buttonRef.current === document.activeElement;
    setActing(true);
    setProblem(null);
    setNote(null);
    try {
      if (target === "paused") {
        await pauseWorkflowRequest(workflowId);
      } else {
        const { backfilled } = await resumeWorkflowRequest(workflowId, backfill);
        if (backfilled !== undefined) {
          setNote(`Started ${backfilled} missed ${backfilled === 1 ? "run" : "runs"}.`);
        }
      }
      refocusAt.current = hadFocus ? target : null;
      onChanged?.(target);
      if (!onChanged) startRefresh(() => router.refresh());
    } catch (error) {
      setProblem(error instanceof AppError ? error.message : "That did not work. Try again.");
    } finally {
      setActing(false);
    }
  }

  const paused = status === "paused";
  const button = (
    <button
      ref={buttonRef}
      type="button"
      // Not `disabled`: the focus stays on the button while it works, and comes back to it once
      // Pause has become Resume (or back), so a keyboard user is not sent to the top of the page.
      aria-disabled={busy}
      onClick={() => void act()}
      className={`min-h-11 shrink-0 rounded-lg border px-4 py-1.5 text-sm font-medium aria-disabled:opacity-60 sm:min-h-8 sm:px-3 sm:py-1 ${focusRing} ${
        paused
          ? "border-emerald-700 bg-emerald-700 text-white hover:bg-emerald-800"
          : "border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      }`}
      data-testid={paused ? "resume-workflow" : "pause-workflow"}
    >
      {busy ? (paused ? "Resuming…" : "Pausing…") : paused ? "Resume" : "Pause"}
    </button>
  );
  return (
    <div className="flex flex-col gap-2" data-testid="pause-control" data-status={status}>
      {paused ? (
        // The paused state and the way out of it, together: text first, Resume at its end (below
        // the text on a phone).
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 dark:border-amber-500/40 dark:bg-amber-500/10">
          <p
            className="min-w-0 flex-1 basis-64 text-sm text-amber-900 dark:text-amber-100"
            data-testid="paused-banner"
          >
            <strong className="font-semibold">
              Paused{pausedAt ? ` since ${formatWhen(pausedAt, { timeZone })}` : ""}
            </strong>{" "}
            — {stopped(triggerType)} until it is resumed. You can still start it yourself.
          </p>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            {isSchedule ? (
              <label
                htmlFor={checkboxId}
                className="flex min-h-11 items-center gap-2 text-sm text-amber-900 sm:min-h-0 dark:text-amber-100"
              >
                <input
                  id={checkboxId}
                  type="checkbox"
                  checked={backfill}
                  onChange={(event) => setBackfill(event.target.checked)}
                  className={`size-4 accent-emerald-700 ${focusRing}`}
                  data-testid="resume-backfill"
                />
                Also start what the schedule missed (latest 100)
              </label>
            ) : null}
            {button}
          </div>
        </div>
      ) : (
        <div className="flex">{button}</div>
      )}
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
