// What a run card says to a screen reader when its run changes: the run starting, each step
// settling or starting to wait ("Step 2 of 3 done: Fetch incidents."), and how the run ended.
// Pure: it compares two snapshots of the timeline, so a clock tick (same states) says nothing.
import { isTerminal, type RunStatus } from "./status";
import type { Timeline, UnitState } from "./timeline";
import type { WireRun } from "./wire";

export interface RunSnapshot {
  status: RunStatus;
  /** The run was created moments ago: a card that loads it has just seen it start. */
  fresh: boolean;
  /** The run's error, when it failed; why, when it was cancelled with a reason. */
  error: string | null;
  /** Main steps in run order, then the `onFailure` steps. */
  steps: {
    id: string;
    label: string;
    state: UnitState;
    onFailure: boolean;
    waitingFor: string | null;
  }[];
}

/** How recent a run's creation counts as "just started" for a card that loads it. */
export const FRESH_MS = 60_000;

export function snapshotOf(
  run: Pick<WireRun, "status" | "createdAt" | "error">,
  timeline: Timeline,
  now: number,
): RunSnapshot {
  return {
    status: run.status,
    fresh: now - Date.parse(run.createdAt) < FRESH_MS,
    error: run.error?.message ?? null,
    steps: timeline.steps.map((s) => ({
      id: s.step.id,
      label: s.label,
      state: s.state,
      onFailure: s.step.phase === "onFailure",
      waitingFor: s.waitingFor,
    })),
  };
}

/** A step's new state in words, or null for one not worth saying (pending, running…). */
function stepWords(state: UnitState, waitingFor: string | null): string | null {
  switch (state) {
    case "succeeded":
      return "done";
    case "failed":
      return "failed";
    case "retrying":
      return "failed, retrying";
    case "skipped":
      return "skipped";
    case "waiting":
      return waitingFor ? `waiting for ${waitingFor}` : "waiting";
    default:
      // cancelled and not-run are said once, by "Run cancelled."
      return null;
  }
}

function endWords(next: RunSnapshot): string {
  switch (next.status) {
    case "succeeded":
      return "Run succeeded.";
    case "failed":
      return next.error ? `Run failed: ${next.error}` : "Run failed.";
    default:
      // With its reason when it has one (a skip, a replace, its parent run's end).
      return next.error ? `Run cancelled: ${next.error}` : "Run cancelled.";
  }
}

/**
 * What changed from `previous` to `next`, as sentences; empty when nothing worth saying did.
 * With no previous snapshot (the card just loaded) a run under way is announced as started,
 * and a finished one (history) says nothing.
 */
export function runAnnouncements(previous: RunSnapshot | null, next: RunSnapshot): string[] {
  const main = next.steps.filter((s) => !s.onFailure);
  const sentence = (step: RunSnapshot["steps"][number], words: string) =>
    `${step.onFailure ? "Failure step" : `Step ${main.indexOf(step) + 1} of ${main.length}`} ${words}: ${step.label}.`;
  if (previous === null) {
    if (isTerminal(next.status)) return [];
    const done = main.filter((s) => s.state === "succeeded").length;
    const progress = `${done} of ${main.length} steps done`;
    const lead = !next.fresh
      ? `Run under way: ${progress}.`
      : done === 0
        ? "Run started."
        : `Run started: ${progress}.`;
    // What it waits for (a person's approval) is worth saying at once.
    const waiting = next.steps
      .filter((s) => s.state === "waiting")
      .map((s) => sentence(s, stepWords(s.state, s.waitingFor) as string));
    return [lead, ...waiting];
  }
  const before = new Map(previous.steps.map((s) => [s.id, s.state]));
  const said: string[] = [];
  for (const step of next.steps) {
    if (before.get(step.id) === step.state) continue;
    const words = stepWords(step.state, step.waitingFor);
    if (words) said.push(sentence(step, words));
  }
  if (!isTerminal(previous.status) && isTerminal(next.status)) said.push(endWords(next));
  return said;
}
