// A run as it travels to the browser: the view `GET /api/runs/:id` answers with, the frames of
// the live stream (`GET /api/runs/:id/events`), and how a view takes a frame. Server and client
// both import this; the row types come in as types only (dates become ISO strings on the way).
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import type { RunStatus, StepStatus } from "./status";

/** What a run's `error` holds: the failing step and what went wrong. */
export type WireRunError = { message?: string; step?: string };
/** What a step attempt's `error` holds (see `errorRecord` in records.ts). */
export type WireStepError = { message?: string; code?: string; name?: string };

export type WireRun = {
  id: string;
  workflowId: string;
  status: RunStatus;
  error: WireRunError | null;
  output: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
};

/** One attempt of one unit (a step, or one item of a loop step: `iteration` ≥ 0). */
export type WireStep = {
  id: string;
  stepId: string;
  iteration: number;
  attempt: number;
  status: StepStatus;
  input: unknown;
  output: unknown;
  error: WireStepError | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
};

/** One entry of the run's log; `seq` counts from 1 and is the stream's event id. */
export type WireEvent = {
  seq: number;
  at: string;
  level: RunEvent["level"];
  stepId: string | null;
  message: string;
  data: unknown;
};

export type WireRunView = { run: WireRun; steps: WireStep[]; events: WireEvent[] };

/**
 * The live stream's `run-event` frame: one log entry, the run as it is once the entry is
 * written, and every attempt of the unit the entry is about (none for run-level entries).
 */
export type LiveRunEvent = WireEvent & { run: WireRun; steps: WireStep[] };

/** The live stream's last frame (`end`): the run has ended and everything was sent. */
export type LiveRunEnd = { status?: RunStatus };

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toWireRun(run: Run): WireRun {
  return {
    id: run.id,
    workflowId: run.workflowId,
    status: run.status,
    error: (run.error ?? null) as WireRunError | null,
    output: run.output ?? null,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    createdAt: run.createdAt.toISOString(),
  };
}

export function toWireStep(step: RunStep): WireStep {
  return {
    id: step.id,
    stepId: step.stepId,
    iteration: step.iteration,
    attempt: step.attempt,
    status: step.status,
    input: step.input ?? null,
    output: step.output ?? null,
    error: (step.error ?? null) as WireStepError | null,
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
    durationMs: step.durationMs,
  };
}

export function toWireEvent(event: RunEvent): WireEvent {
  return {
    seq: event.seq,
    at: event.at.toISOString(),
    level: event.level,
    stepId: event.stepId,
    message: event.message,
    data: event.data ?? null,
  };
}

export function toWireRunView(view: {
  run: Run;
  steps: RunStep[];
  events: RunEvent[];
}): WireRunView {
  return {
    run: toWireRun(view.run),
    steps: view.steps.map(toWireStep),
    events: view.events.map(toWireEvent),
  };
}

/** The unit a log entry is about: its step and loop item (-1 for a plain step), if any. */
export function unitOf(event: Pick<RunEvent, "stepId" | "data">) {
  if (!event.stepId) return undefined;
  const iteration = (event.data as { iteration?: unknown } | null)?.iteration;
  return { stepId: event.stepId, iteration: typeof iteration === "number" ? iteration : -1 };
}

/** The seq of the newest log entry a view holds (0 when it holds none). */
export function lastSeq(view: WireRunView): number {
  return view.events.at(-1)?.seq ?? 0;
}

/** A view with the run replaced by a newer reading of it. */
export function withRun(view: WireRunView, run: WireRun): WireRunView {
  return { ...view, run };
}

/**
 * A view with one live frame applied: the run replaced, the unit's attempts replaced or added
 * (by id), the entry appended unless the view already holds it. The stream reads rows after
 * the entries it sends, so a frame's run and steps are never older than what it follows.
 */
export function applyLiveEvent(view: WireRunView, frame: LiveRunEvent): WireRunView {
  const { run, steps: changed, ...event } = frame;
  let steps = view.steps;
  if (changed.length > 0) {
    const byId = new Map(changed.map((step) => [step.id, step]));
    steps = view.steps.map((step) => byId.get(step.id) ?? step);
    const known = new Set(view.steps.map((step) => step.id));
    steps.push(...changed.filter((step) => !known.has(step.id)));
  }
  const events = event.seq > lastSeq(view) ? [...view.events, event] : view.events;
  return { run, steps, events };
}
