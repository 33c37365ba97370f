// A run's timeline: every step of its pinned plan with the state the card shows, derived from
// the view (step attempts, log, run status). Pure and client-safe: the run card, its waterfall
// and its graph all read this, and unit tests pin it down.
import { parseDuration } from "@/lib/plan/duration";
import { isTerminal, type RunStatus } from "./status";
import { retryDelayMs } from "./summary";
import type { DecisionSource } from "./wait-decision";
import type { WireEvent, WirePlanStep, WireRunView, WireStep } from "./wire";

export type UnitState =
  | "pending"
  | "running"
  | "retrying"
  | "waiting"
  | "succeeded"
  | "failed"
  | "skipped"
  /** The run was cancelled while it ran (or waited, or was due to retry). */
  | "cancelled"
  /** The run was cancelled before it started. */
  | "not-run";

/** States a unit does not leave. */
export const SETTLED: ReadonlySet<UnitState> = new Set([
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
  "not-run",
]);

/** One unit (a step, or one item of a loop) and what its attempts say about it. */
export interface TimelineUnit {
  /** `fetch`, or `fetch#2` for item 2 of a loop. */
  unitId: string;
  iteration: number;
  state: UnitState;
  /** Its attempts, oldest first (attempt 0 is a decision: a skip, a condition that failed). */
  attempts: WireStep[];
  latest: WireStep | null;
  /** The attempt under way or last made, of how many the step allows; null with one allowed. */
  attempt: { current: number; of: number } | null;
  /** Retrying: when the next attempt is due (ISO), when known. */
  nextAttemptAt: string | null;
  /** Skipped: why, in words ("condition was false", "Fetch incidents failed"). */
  reason: string | null;
  /** Failed (or retrying): the latest attempt's error. */
  error: string | null;
  /** From the first attempt's start to the last one's end (null while under way). */
  startedAt: string | null;
  finishedAt: string | null;
  /**
   * A re-run's reused unit (succeeded with the recorded output of the run it re-runs; nothing
   * ran); a loop when every item was reused.
   */
  reused: boolean;
}

export interface TimelineStep extends TimelineUnit {
  step: WirePlanStep;
  /** The step's title, else its id. */
  label: string;
  /** A loop: its items, how many there are (when known) and how many have settled. */
  items: { total: number | null; settled: number; units: TimelineUnit[] } | null;
  /** A `workflow.run` step: the child run it runs as (a loop's items carry their own). */
  childRunId: string | null;
  /** A wait: what it waits for, in words, and when it gives up (ISO), when known. */
  waitingFor: string | null;
  deadline: string | null;
  /** A wait someone ended (an approval answered, a link called): who, how and when. */
  decision: TimelineDecision | null;
}

export interface TimelineDecision {
  /** wait.approval: the answer; absent for other waits. */
  approved?: boolean;
  /** The run's owner decided (the card's reader: "you"). */
  byOwner: boolean;
  from: DecisionSource;
  /** When (ISO), when known. */
  at: string | null;
}

export interface Timeline {
  /** Main steps first, in run order, then the `onFailure` steps. */
  steps: TimelineStep[];
  /** Main steps settled, of all main steps ("2 of 5"). */
  progress: { settled: number; total: number };
  /** The run's time axis: its start and its end (or now), in epoch ms. */
  axis: { start: number; end: number } | null;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** A skip's stored reason (`run_steps.output` of attempt 0) in words. */
export function skipReason(output: unknown, labelOf: (stepId: string) => string): string | null {
  const { reason, cause } = (output ?? {}) as { reason?: unknown; cause?: unknown };
  if (cause === "condition") return "condition was false";
  if (typeof reason !== "string") return null;
  const upstream = /^upstream step "([^"]+)" failed$/.exec(reason);
  if (upstream) return `${labelOf(upstream[1])} failed`;
  const item = /^item (\d+) failed$/.exec(reason);
  if (item) return `item ${Number(item[1]) + 1} failed`;
  return reason;
}

/** The log entry that recorded an attempt's failure, if the view holds it. */
function failureEntry(events: readonly WireEvent[], unitId: string, attempt: number) {
  return events.find((event) => {
    const data = event.data as { unitId?: unknown; attempt?: unknown; status?: unknown } | null;
    return data?.unitId === unitId && data.attempt === attempt && data.status === "failed";
  });
}

/**
 * Whether a failed attempt is followed by another, and when: the attempt's row says so
 * (`error.nextAttemptAt`); rows written before it did fall back to the log entry's
 * `willRetry` and the step's backoff.
 */
function pendingRetry(
  latest: WireStep,
  step: WirePlanStep,
  events: readonly WireEvent[],
  unitId: string,
): { at: string | null } | null {
  if (latest.attempt < 1 || latest.attempt >= step.attempts) return null;
  if (latest.error?.nextAttemptAt) return { at: latest.error.nextAttemptAt };
  const entry = failureEntry(events, unitId, latest.attempt);
  if ((entry?.data as { willRetry?: unknown } | null)?.willRetry !== true) return null;
  const delay = retryDelayMs(
    {
      backoff: step.retry?.backoff,
      delayMs: step.retry?.delay ? parseDuration(step.retry.delay) : undefined,
    },
    latest.attempt,
  );
  const end = ms(latest.finishedAt);
  return { at: Number.isNaN(end) ? null : new Date(end + delay).toISOString() };
}

/** Why a unit that never started will not: the run ended first. */
function notReachedState(step: WirePlanStep, run: RunStatus) {
  if (run === "cancelled") return { state: "not-run" as const, reason: null };
  if (step.phase === "onFailure" && run === "succeeded") {
    return { state: "skipped" as const, reason: "the run did not fail" };
  }
  return { state: "skipped" as const, reason: "the run ended before it started" };
}

function deriveUnit(args: {
  unitId: string;
  iteration: number;
  attempts: WireStep[];
  step: WirePlanStep;
  run: RunStatus;
  events: readonly WireEvent[];
  labelOf: (stepId: string) => string;
}): TimelineUnit {
  const { unitId, iteration, step, run, events } = args;
  const attempts = [...args.attempts].sort((a, b) => a.attempt - b.attempt);
  const latest = attempts.at(-1) ?? null;
  const ended = isTerminal(run);
  const unit: TimelineUnit = {
    unitId,
    iteration,
    state: "pending",
    attempts,
    latest,
    attempt: null,
    nextAttemptAt: null,
    reason: null,
    error: null,
    startedAt: attempts.find((a) => a.startedAt)?.startedAt ?? null,
    finishedAt: null,
    reused: latest?.status === "succeeded" && !!latest.reusedFrom,
  };
  if (!latest) {
    if (ended) Object.assign(unit, notReachedState(step, run));
    return unit;
  }
  if (step.attempts > 1 && latest.attempt >= 1) {
    unit.attempt = { current: latest.attempt, of: step.attempts };
  }
  switch (latest.status) {
    case "succeeded":
      unit.state = "succeeded";
      break;
    case "skipped":
      unit.state = "skipped";
      unit.reason = skipReason(latest.output, args.labelOf);
      break;
    case "cancelled":
      unit.state = "cancelled";
      break;
    case "running":
    case "waiting":
      // An attempt the run's end cut short (rows written before cancels recorded it).
      unit.state = ended ? "cancelled" : latest.status;
      break;
    case "failed": {
      unit.error = latest.error?.message ?? null;
      const retry = pendingRetry(latest, step, events, unitId);
      if (retry && !ended) {
        unit.state = "retrying";
        unit.nextAttemptAt = retry.at;
        unit.attempt = { current: latest.attempt + 1, of: step.attempts };
      } else {
        // A retry the cancel came before: the step had not failed yet.
        unit.state = retry && run === "cancelled" ? "cancelled" : "failed";
      }
      break;
    }
  }
  if (SETTLED.has(unit.state)) {
    unit.finishedAt = latest.finishedAt ?? latest.startedAt;
  }
  return unit;
}

/** A loop's item count and end, from its log entries (`loop:started`, `loop:succeeded`, …). */
function loopEntries(events: readonly WireEvent[], stepId: string) {
  let total: number | null = null;
  let ended: "succeeded" | "failed" | null = null;
  for (const event of events) {
    const data = event.data as { unitId?: unknown; items?: unknown; status?: unknown } | null;
    if (data?.unitId !== stepId || typeof data.items !== "number") continue;
    total = data.items;
    if (data.status === "succeeded" || data.status === "failed") ended = data.status;
  }
  return { total, ended };
}

/** Busiest first: what a loop shows while its items are under way. */
const ACTIVE_ORDER: UnitState[] = ["waiting", "retrying", "running"];

function deriveLoop(
  base: Omit<TimelineUnit, "state">,
  items: TimelineUnit[],
  step: WirePlanStep,
  run: RunStatus,
  events: readonly WireEvent[],
): { unit: TimelineUnit; total: number | null } {
  const entries = loopEntries(events, step.id);
  const settled = items.filter((item) => SETTLED.has(item.state));
  const unit: TimelineUnit = {
    ...base,
    state: "pending",
    reused: items.length > 0 && items.every((item) => item.reused),
  };
  unit.startedAt = items.map((i) => i.startedAt).find(Boolean) ?? null;
  const active = ACTIVE_ORDER.find((state) => items.some((item) => item.state === state));
  const finalFailure = items.find((item) => item.state === "failed");
  const allSettled =
    entries.total !== null && items.length >= entries.total && settled.length === items.length;
  const cut = items.some((item) => item.state === "cancelled");
  if (entries.ended) {
    unit.state = entries.ended;
  } else if (run === "cancelled" && (cut || !allSettled)) {
    // Items the cancel stopped, or never started.
    unit.state = items.length === 0 ? "not-run" : "cancelled";
  } else if (allSettled && !active) {
    // Every item has settled: the loop is over even before a later pass records its end.
    unit.state = finalFailure && step.onError !== "continue" ? "failed" : "succeeded";
  } else if (active && !isTerminal(run)) {
    unit.state = "running";
  } else if (isTerminal(run)) {
    if (items.length === 0) Object.assign(unit, notReachedState(step, run));
    else unit.state = finalFailure && step.onError !== "continue" ? "failed" : "succeeded";
  } else if (items.length > 0) {
    unit.state = "running";
  }
  if (unit.state === "failed") unit.error = finalFailure?.error ?? null;
  if (SETTLED.has(unit.state)) {
    unit.finishedAt =
      items
        .map((i) => i.finishedAt)
        .filter((at): at is string => !!at)
        .sort()
        .at(-1) ?? unit.startedAt;
  }
  return { unit, total: entries.total ?? (SETTLED.has(unit.state) ? items.length : null) };
}

/** What a wait waits for, in words, from the attempt's resolved input. */
function waitWords(action: string, input: unknown): string {
  const value = (input ?? {}) as Record<string, unknown>;
  switch (action) {
    case "wait.approval":
      return "an approval";
    case "wait.event":
      return typeof value.event === "string"
        ? `the event "${value.event}" or its resume link`
        : "its resume link";
    case "wait.delay":
      return typeof value.duration === "string" ? `a delay of ${value.duration}` : "a delay";
    case "wait.until":
      return typeof value.at === "string" ? `${value.at}` : "a time";
    default:
      return "a signal";
  }
}

/** When a wait gives up: from its log entry, else from a duration in its input. */
function waitDeadline(latest: WireStep, unitId: string, events: readonly WireEvent[]) {
  for (const event of events) {
    const data = event.data as { unitId?: unknown; status?: unknown; deadline?: unknown } | null;
    if (data?.unitId === unitId && data.status === "waiting" && typeof data.deadline === "string") {
      return data.deadline;
    }
  }
  const input = (latest.input ?? {}) as Record<string, unknown>;
  const span = [input.duration, input.timeout].find((v): v is string => typeof v === "string");
  const length = span ? parseDuration(span) : undefined;
  const start = ms(latest.startedAt);
  if (length === undefined || Number.isNaN(start)) return null;
  return new Date(start + length).toISOString();
}

const SOURCES: readonly string[] = ["link", "page", "thread", "chat", "event"];

/**
 * Who ended a wait: its signal's log entry (written as the decision is stored, so the card can
 * say "Approved by you at 14:02" before the wait moves on), else a finished approval's output.
 */
function waitDecision(
  step: WirePlanStep,
  latest: WireStep | null,
  events: readonly WireEvent[],
): TimelineDecision | null {
  if (step.kind !== "wait") return null;
  for (const event of events) {
    if (event.stepId !== step.id) continue;
    const data = event.data as {
      via?: unknown;
      from?: unknown;
      approved?: unknown;
      byOwner?: unknown;
      at?: unknown;
    } | null;
    if (typeof data?.via !== "string" || typeof data.from !== "string") continue;
    if (!SOURCES.includes(data.from)) continue;
    return {
      ...(typeof data.approved === "boolean" ? { approved: data.approved } : {}),
      byOwner: data.byOwner === true,
      from: data.from as DecisionSource,
      at: typeof data.at === "string" ? data.at : event.at,
    };
  }
  if (step.action !== "wait.approval" || latest?.status !== "succeeded") return null;
  const output = latest.output as { approved?: unknown; timedOut?: unknown; by?: unknown } | null;
  if (output?.timedOut !== false || typeof output.approved !== "boolean") return null;
  return {
    approved: output.approved,
    byOwner: output.by !== "link",
    from: output.by === "link" ? "link" : "thread",
    at: latest.finishedAt,
  };
}

/** A step of a run that has no readable plan: what its attempts tell. */
function unknownStep(stepId: string): WirePlanStep {
  return {
    id: stepId,
    title: null,
    action: "",
    kind: "task",
    after: [],
    phase: "main",
    condition: null,
    loop: false,
    attempts: 1,
    retry: null,
    onError: "fail",
  };
}

/** The run's timeline at `now` (epoch ms; what a running run's axis ends at). */
export function buildTimeline(view: WireRunView, now: number = Date.now()): Timeline {
  const { run, events } = view;
  const planSteps = view.plan?.steps ?? [];
  const known = new Set(planSteps.map((s) => s.id));
  // Rows of steps the plan does not list (no readable plan): listed after, by first start.
  const extra = [...new Set(view.steps.map((s) => s.stepId))].filter((id) => !known.has(id));
  const steps = [...planSteps, ...extra.map(unknownStep)];
  const byId = new Map(steps.map((s) => [s.id, s]));
  const labelOf = (id: string) => byId.get(id)?.title ?? id;

  const rowsOf = new Map<string, WireStep[]>();
  for (const row of view.steps) {
    const key = `${row.stepId}#${row.iteration}`;
    rowsOf.set(key, [...(rowsOf.get(key) ?? []), row]);
  }

  const timelineSteps = steps.map((step): TimelineStep => {
    const common = { step, run: run.status, events, labelOf };
    const own = deriveUnit({
      ...common,
      unitId: step.id,
      iteration: -1,
      attempts: rowsOf.get(`${step.id}#-1`) ?? [],
    });
    const itemIterations = view.steps
      .filter((row) => row.stepId === step.id && row.iteration >= 0)
      .map((row) => row.iteration);
    const isLoop = step.loop || itemIterations.length > 0;
    let unit: TimelineUnit = own;
    let items: TimelineStep["items"] = null;
    // A loop whose own unit was decided (skipped, forEach failed) has no items to show.
    if (isLoop && own.attempts.length === 0) {
      const units = [...new Set(itemIterations)]
        .sort((a, b) => a - b)
        .map((iteration) =>
          deriveUnit({
            ...common,
            unitId: `${step.id}#${iteration}`,
            iteration,
            attempts: rowsOf.get(`${step.id}#${iteration}`) ?? [],
          }),
        );
      const loop = deriveLoop(own, units, step, run.status, events);
      unit = loop.unit;
      items = {
        total: loop.total,
        settled: units.filter((u) => SETTLED.has(u.state)).length,
        units,
      };
    }
    const waiting = step.kind === "wait" && unit.latest?.status === "waiting";
    return {
      ...unit,
      step,
      label: step.title ?? step.id,
      items,
      childRunId:
        step.kind === "workflow" && !isLoop && unit.latest
          ? (view.children?.[step.id] ?? childOf(unit.latest))
          : null,
      waitingFor: step.kind === "wait" ? waitWords(step.action, unit.latest?.input) : null,
      deadline: waiting && unit.latest ? waitDeadline(unit.latest, step.id, events) : null,
      decision: waitDecision(step, unit.latest, events),
    };
  });

  const main = timelineSteps.filter((s) => s.step.phase === "main");
  const start = ms(run.startedAt ?? run.createdAt);
  const ends = view.steps
    .map((s) => ms(s.finishedAt ?? s.startedAt))
    .filter((t) => !Number.isNaN(t));
  const end = run.finishedAt ? ms(run.finishedAt) : Math.max(now, ...ends);
  return {
    steps: timelineSteps,
    progress: { settled: main.filter((s) => SETTLED.has(s.state)).length, total: main.length },
    axis: Number.isNaN(start) ? null : { start, end: Math.max(end, start + 1, ...ends) },
  };
}

/** A finished `workflow.run` attempt names its child run in its output. */
function childOf(attempt: WireStep): string | null {
  const runId = (attempt.output as { runId?: unknown } | null)?.runId;
  return typeof runId === "string" ? runId : null;
}

/** A loop item's child run, for `workflow.run` loops. */
export function itemChildRunId(view: WireRunView, unit: TimelineUnit): string | null {
  return view.children?.[unit.unitId] ?? (unit.latest ? childOf(unit.latest) : null);
}

/** One bar of the waterfall: an attempt placed on the run's time axis. */
export interface WaterfallBar {
  key: string;
  stepId: string;
  unitId: string;
  attempt: number;
  status: WireStep["status"];
  /** Shown as: the unit's state for its latest attempt, the attempt's own otherwise. */
  state: UnitState;
  startedAt: string;
  finishedAt: string | null;
  /** Offset from the run's start and length, in ms (an open attempt runs to the axis end). */
  offsetMs: number;
  durationMs: number;
  /** A failed attempt followed by a retry: the wait until it, in ms (0 when none). */
  retryGapMs: number;
}

/** Each attempt (skips included, as zero-length marks) as a bar, per step in timeline order. */
export function waterfallBars(timeline: Timeline): { step: TimelineStep; bars: WaterfallBar[] }[] {
  const axis = timeline.axis;
  if (!axis) return [];
  const units = (step: TimelineStep) => (step.items ? step.items.units : [step]);
  return timeline.steps.map((step) => ({
    step,
    bars: units(step).flatMap((unit) =>
      unit.attempts
        .filter((attempt) => attempt.startedAt)
        .map((attempt): WaterfallBar => {
          const begin = ms(attempt.startedAt);
          const open = !attempt.finishedAt && !SETTLED.has(unit.state);
          const finish = attempt.finishedAt ? ms(attempt.finishedAt) : open ? axis.end : begin;
          const isLatest = attempt === unit.latest;
          const next = unit.attempts.find((a) => a.attempt === attempt.attempt + 1);
          const retryAt =
            attempt.status === "failed"
              ? (next?.startedAt ?? (isLatest ? unit.nextAttemptAt : null))
              : null;
          return {
            key: attempt.id,
            stepId: step.step.id,
            unitId: unit.unitId,
            attempt: attempt.attempt,
            status: attempt.status,
            state: isLatest ? unit.state : attempt.status === "failed" ? "failed" : unit.state,
            startedAt: attempt.startedAt as string,
            finishedAt: attempt.finishedAt,
            offsetMs: Math.max(0, begin - axis.start),
            durationMs: Math.max(0, finish - begin),
            retryGapMs: retryAt ? Math.max(0, ms(retryAt) - finish) : 0,
          };
        }),
    ),
  }));
}
