// A run as it travels to the browser: the view `GET /api/runs/:id` answers with, the frames of
// the live stream (`GET /api/runs/:id/events`), and how a view takes a frame. Server and client
// both import this; the row types come in as types only (dates become ISO strings on the way).
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import type { WouldSend } from "@/lib/plan/effects";
import { topologicalOrder } from "@/lib/plan/graph";
import { type Plan, type PlanStep, stepDependencies } from "@/lib/plan/schema";
import type { RunStatus, StepStatus } from "./status";

/** What a run's `error` holds: the failing step and what went wrong. */
export type WireRunError = { message?: string; step?: string };
/** What a step attempt's `error` holds (see `errorRecord` in records.ts). */
export type WireStepError = {
  message?: string;
  code?: string;
  name?: string;
  /** A failed attempt that will be retried: when the next attempt is due. */
  nextAttemptAt?: string;
};

export type WireRun = {
  id: string;
  workflowId: string;
  status: RunStatus;
  error: WireRunError | null;
  output: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  /** A test run: its side effects were simulated (lib/runs/test-run.ts). */
  test?: true;
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
  /** A re-run's reused unit: the run whose recorded output it took (nothing ran). */
  reusedFrom?: string | null;
  /** A test run's simulated unit: what it would have sent (its output is a stand-in). */
  simulated?: WouldSend | null;
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

/** What a step of the run's plan is, for the card: a wait, a child workflow, or a task. */
export type WirePlanStepKind = "task" | "wait" | "workflow";

/** One step of the run's pinned plan version, as the timeline lists it. */
export type WirePlanStep = {
  id: string;
  title: string | null;
  action: string;
  kind: WirePlanStepKind;
  /** Steps that must finish first. */
  after: string[];
  /** `onFailure` steps run only if the main steps failed. */
  phase: "main" | "onFailure";
  /** The step's `if`, when it has one. */
  condition: string | null;
  /** True for a `forEach` step: it runs once per item (units `<id>#<index>`). */
  loop: boolean;
  /** Tries allowed in all (1 without a retry policy). */
  attempts: number;
  /** How long it waits between tries (see retryDelayMs in summary.ts). */
  retry: { backoff: "none" | "fixed" | "exponential"; delay: string | null } | null;
  onError: "fail" | "continue";
};

/**
 * The plan the run pinned, read through the one plan parse (pinned-plan.ts), its steps in
 * the order they can run (topological, ties in plan order), main steps before `onFailure`.
 */
export type WireRunPlan = { title: string; version: number; steps: WirePlanStep[] };

/** Another run linked to this one by a re-run, as its card links it. */
export type WireRunLink = { runId: string; status: RunStatus; createdAt: string };

/** How a re-run re-runs its source (`runs.rerun`). */
export type WireRerun = {
  from: string;
  version: "pinned" | "latest";
  /** Units whose recorded outputs it reuses. */
  reused: string[];
  inputsEdited: boolean;
};

export type WireRunView = {
  run: WireRun;
  steps: WireStep[];
  events: WireEvent[];
  /** The pinned plan; null when the version no longer reads as a plan. */
  plan?: WireRunPlan | null;
  /** The workflow's title, for "Run of <title>" wherever the card is shown. */
  workflowTitle?: string | null;
  /** The child run each started `workflow.run` unit (`step`, `step#i`) runs as. */
  children?: Record<string, string>;
  /** The run this one re-runs ("re-run of …"); null when it is not a re-run. */
  rerunOf?: WireRunLink | null;
  /** The runs that re-run this one ("re-run as …"), newest first, at most 20. */
  rerunAs?: WireRunLink[];
  /** How it re-runs its source; null when it is not a re-run. */
  rerun?: WireRerun | null;
};

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
    ...(run.test ? { test: true as const } : {}),
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
    reusedFrom: step.reusedFrom ?? null,
    ...(step.simulated ? { simulated: step.simulated as WouldSend } : {}),
  };
}

/** A linked run as it travels. */
export function toWireRunLink(run: Pick<Run, "id" | "status" | "createdAt">): WireRunLink {
  return { runId: run.id, status: run.status, createdAt: run.createdAt.toISOString() };
}

function toWireRerun(value: unknown): WireRerun | null {
  if (value === null || typeof value !== "object") return null;
  const rerun = value as Partial<WireRerun>;
  return {
    from: String(rerun.from ?? "failed"),
    version: rerun.version === "latest" ? "latest" : "pinned",
    reused: Array.isArray(rerun.reused) ? rerun.reused.map(String) : [],
    inputsEdited: rerun.inputsEdited === true,
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

function stepKind(action: string): WirePlanStepKind {
  if (action.startsWith("wait.")) return "wait";
  if (action === "workflow.run") return "workflow";
  return "task";
}

function toWirePlanStep(step: PlanStep, phase: WirePlanStep["phase"]): WirePlanStep {
  return {
    id: step.id,
    title: step.title?.trim() || null,
    action: step.action,
    kind: stepKind(step.action),
    // An otherwise branch (`else`) waits for its step too: draw and order it so.
    after: stepDependencies(step),
    phase,
    condition: step.if ?? null,
    loop: step.forEach !== undefined,
    attempts: step.retry?.attempts ?? 1,
    retry: step.retry
      ? { backoff: step.retry.backoff ?? "exponential", delay: step.retry.delay ?? null }
      : null,
    onError: step.onError ?? "fail",
  };
}

/** A phase's steps in an order where each follows its dependencies, ties in plan order. */
function inRunOrder(steps: readonly PlanStep[]): PlanStep[] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const nodes = steps.map((step) => ({ id: step.id, after: stepDependencies(step) }));
  return topologicalOrder(nodes).flatMap((id) => byId.get(id) ?? []);
}

export function toWireRunPlan(plan: Plan, version: number): WireRunPlan {
  return {
    title: plan.title,
    version,
    steps: [
      ...inRunOrder(plan.steps).map((step) => toWirePlanStep(step, "main")),
      ...inRunOrder(plan.onFailure ?? []).map((step) => toWirePlanStep(step, "onFailure")),
    ],
  };
}

export function toWireRunView(view: {
  run: Run;
  steps: RunStep[];
  events: RunEvent[];
  plan?: { plan: Plan; version: number } | null;
  workflowTitle?: string | null;
  children?: Record<string, string>;
  /** The re-run links (view.ts `getRunLinks`), when read. */
  links?: {
    rerunOf: Pick<Run, "id" | "status" | "createdAt"> | null;
    rerunAs: Pick<Run, "id" | "status" | "createdAt">[];
  };
}): WireRunView {
  return {
    run: toWireRun(view.run),
    steps: view.steps.map(toWireStep),
    events: view.events.map(toWireEvent),
    ...(view.plan !== undefined
      ? { plan: view.plan ? toWireRunPlan(view.plan.plan, view.plan.version) : null }
      : {}),
    ...(view.workflowTitle !== undefined ? { workflowTitle: view.workflowTitle } : {}),
    ...(view.children ? { children: view.children } : {}),
    ...(view.links
      ? {
          rerunOf: view.links.rerunOf ? toWireRunLink(view.links.rerunOf) : null,
          rerunAs: view.links.rerunAs.map(toWireRunLink),
          rerun: toWireRerun(view.run.rerun),
        }
      : {}),
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
  // The plan, the title and the children stay as read (a plan version never changes).
  return { ...view, run, steps, events };
}
