// A run as it travels to the browser: the view `GET /api/runs/:id` answers with. Server and
// client both import this; the row types come in as types only (dates become ISO strings on the
// way).
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
