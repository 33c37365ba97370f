// A run's progress through its plan: the pure half of the interpreter. Given a plan and the
// results so far, what runs next, what is skipped and why, and whether the run is over.
// Everything here is a function of its arguments (memoized results + the logical `now`), so an
// Inngest function (inngest/functions/execute-workflow.ts) can call it on every replay and get
// the same answer.
//
// One step at a time (the interpreter's flows, inngest/functions/run-flow.ts): when all of a
// step's dependencies have a result, `decideStep` says whether it runs (its units), is skipped
// or failed, reading only those results; as each loop item ends, `continueLoop` hands out the
// next one or the loop's result.
//
// A whole pass at a time (runs started before flows, and the simulator):
//
//   let state = initialRunState();
//   for (;;) {
//     const next = await nextActions(plan, state, { now: await clockStep(), trigger, user, waits });
//     state = next.state;                       // skips and loop results decided this pass
//     if (next.status !== "running") break;
//     const results = await Promise.all(next.ready.map((unit) => runUnit(unit)));
//     state = recordResults(state, results);    // [{ unitId, result }]
//   }

import { resolveBindings } from "./bindings";
import { type EvaluationEnv, evaluateExpression, isTruthy } from "./expression";
import { findMissingOperand } from "./missing";
import {
  DEFAULT_CONCURRENCY,
  type Plan,
  type PlanStep,
  planTimeZone,
  stepDependencies,
} from "./schema";
import { buildScope, type StepRecord } from "./scope";

export interface UnitError {
  message: string;
  [key: string]: unknown;
}

export type UnitResult =
  | { status: "succeeded"; output: unknown; itemErrors?: { index: number; message: string }[] }
  | { status: "failed"; error: UnitError }
  | {
      status: "skipped";
      reason: string;
      /**
       * "condition" (its `if` was false) and "other-branch" (an otherwise branch whose step
       * ran): dependents still run; "upstream-failed": dependents are skipped too.
       */
      cause: "condition" | "upstream-failed" | "loop-stopped" | "other-branch";
    };

export interface RunState {
  /**
   * Final results by unit id: a step id, or `<stepId>#<index>` for one loop item. A loop's
   * combined result (the ordered list of item outputs) is stored under its step id.
   */
  results: Record<string, UnitResult>;
  /** The items each loop expanded to, fixed the first time so later passes agree. */
  loops?: Record<string, { items: unknown[] }>;
  /** Units started but not finished; only needed when units are awaited one by one. */
  running?: string[];
}

export interface PassContext {
  /** The run's logical time for this pass (captured in a memoized step), ISO instant. */
  now: string;
  /** Zone for local times; default: the plan's, else the user's, else UTC. */
  timeZone?: string;
  /** The trigger payload (`trigger` in expressions). */
  trigger?: unknown;
  user?: { timeZone?: string; [key: string]: unknown };
  /** Resume URLs of the plan's wait steps, known from the start of the run. */
  waits?: Record<string, { url: string }>;
}

export type Phase = "main" | "onFailure";

export interface ReadyUnit {
  /** Deterministic id for the durable step: `fetch`, or `fetch#3` for item 3 of a loop. */
  id: string;
  stepId: string;
  step: PlanStep;
  phase: Phase;
  index?: number;
  item?: unknown;
  /** Expression scope for this unit; secrets are added by `resolveUnitInput`. */
  scope: Record<string, unknown>;
  env: EvaluationEnv;
}

export interface RunFailure {
  step: string;
  message: string;
}

export interface PassDecision {
  status: "running" | "succeeded" | "failed";
  phase: Phase;
  /** Units to start now (excluding those already running). */
  ready: ReadyUnit[];
  /** Results decided by this pass (skips, loop totals, condition errors), to record and log. */
  decided: { unitId: string; result: UnitResult }[];
  /** `state` with `decided` and loop expansions applied; pass it to the next call. */
  state: RunState;
  /** Why the run failed (the first failed step, in plan order). */
  failure?: RunFailure;
}

export function initialRunState(): RunState {
  return { results: {}, loops: {}, running: [] };
}

/** `state` with one unit's final result recorded (and no longer running). */
export function recordResult(state: RunState, unitId: string, result: UnitResult): RunState {
  return {
    ...state,
    results: { ...state.results, [unitId]: result },
    running: (state.running ?? []).filter((id) => id !== unitId),
  };
}

export function recordResults(
  state: RunState,
  entries: readonly { unitId: string; result: UnitResult }[],
): RunState {
  return entries.reduce((next, entry) => recordResult(next, entry.unitId, entry.result), state);
}

/** `state` with units marked as started (for interpreters that await units one by one). */
export function markRunning(state: RunState, unitIds: readonly string[]): RunState {
  return { ...state, running: [...new Set([...(state.running ?? []), ...unitIds])] };
}

export function unitId(stepId: string, index?: number): string {
  return index === undefined ? stepId : `${stepId}#${index}`;
}

function stepRecords(state: RunState): Record<string, StepRecord> {
  const records: Record<string, StepRecord> = {};
  for (const [id, result] of Object.entries(state.results)) {
    if (id.includes("#")) continue;
    if (result.status === "succeeded") records[id] = { status: "succeeded", output: result.output };
    else if (result.status === "failed")
      records[id] = { status: "failed", error: { message: result.error.message } };
    else records[id] = { status: "skipped", reason: result.reason };
  }
  return records;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the next pass should do. Pure: same plan, state and context → same decision. */
export async function nextActions(
  plan: Plan,
  state: RunState,
  context: PassContext,
): Promise<PassDecision> {
  const env: EvaluationEnv = {
    now: context.now,
    timeZone: context.timeZone ?? planTimeZone(plan, context.user?.timeZone ?? "UTC"),
  };
  const work: RunState = {
    results: { ...state.results },
    loops: { ...(state.loops ?? {}) },
    running: [...(state.running ?? [])],
  };
  const decided: { unitId: string; result: UnitResult }[] = [];
  const decide = (id: string, result: UnitResult) => {
    work.results[id] = result;
    decided.push({ unitId: id, result });
  };

  const mainPass = await advancePhase("main", plan.steps, plan, work, context, env, decide);
  const mainFailure = firstFailure(plan.steps, work);
  if (!mainPass.settled) {
    return {
      status: "running",
      phase: "main",
      ready: mainPass.ready,
      decided,
      state: work,
      failure: mainFailure,
    };
  }
  if (!mainFailure) {
    return { status: "succeeded", phase: "main", ready: [], decided, state: work };
  }
  const onFailure = plan.onFailure ?? [];
  const failurePass = await advancePhase(
    "onFailure",
    onFailure,
    plan,
    work,
    context,
    env,
    decide,
    mainFailure,
  );
  return {
    status: failurePass.settled ? "failed" : "running",
    phase: "onFailure",
    ready: failurePass.ready,
    decided,
    state: work,
    failure: mainFailure,
  };
}

/**
 * One step's decision on its own, for an interpreter that starts each step as soon as its own
 * dependencies are done (every one of them must have a result): what `nextActions` would
 * decide for it. Pure like it: the same plan, results of the step's upstream steps and
 * context give the same answer, whatever other steps are doing.
 */
export interface StepDecision {
  /** Units to start now (for a loop: items up to its concurrency, not counting `running`). */
  ready: ReadyUnit[];
  /** Results decided (a skip, a failure nothing ran for, a loop's end with its skipped items). */
  decided: { unitId: string; result: UnitResult }[];
  /** The loop's items, when this decision expanded it: keep them in the state's `loops`. */
  loop?: { items: unknown[] };
}

/** Whether deciding `step` reads the clock (its condition or its forEach may read `now`). */
export function decisionReadsClock(step: Pick<PlanStep, "if" | "forEach">): boolean {
  return step.if !== undefined || step.forEach !== undefined;
}

function phaseSteps(plan: Plan, stepId: string): { phase: Phase; steps: readonly PlanStep[] } {
  if (plan.steps.some((step) => step.id === stepId)) return { phase: "main", steps: plan.steps };
  return { phase: "onFailure", steps: plan.onFailure ?? [] };
}

function evaluationEnv(plan: Plan, context: PassContext): EvaluationEnv {
  return {
    now: context.now,
    timeZone: context.timeZone ?? planTimeZone(plan, context.user?.timeZone ?? "UTC"),
  };
}

function workingCopy(state: RunState): RunState {
  return {
    results: { ...state.results },
    loops: { ...(state.loops ?? {}) },
    running: [...(state.running ?? [])],
  };
}

/** A working copy of the run for one step's decision, and what the decision records. */
function decisionContext(
  plan: Plan,
  state: RunState,
  stepId: string,
  context: PassContext,
  failure?: RunFailure,
) {
  const work = workingCopy(state);
  const decided: StepDecision["decided"] = [];
  const decide = (id: string, result: UnitResult) => {
    work.results[id] = result;
    decided.push({ unitId: id, result });
  };
  const { phase, steps } = phaseSteps(plan, stepId);
  const c = stepContext(
    phase,
    steps,
    plan,
    work,
    context,
    evaluationEnv(plan, context),
    decide,
    failure,
  );
  return { work, decided, c };
}

/** Decides `stepId`, whose dependencies all have a result; `failure` for onFailure steps. */
export async function decideStep(
  plan: Plan,
  state: RunState,
  stepId: string,
  context: PassContext,
  failure?: RunFailure,
): Promise<StepDecision> {
  const { work, decided, c } = decisionContext(plan, state, stepId, context, failure);
  const step = c.byId.get(stepId);
  if (!step) throw new Error(`no step "${stepId}" in the plan`);
  const expanded = state.loops?.[stepId] === undefined;
  const { ready } = await decideOne(step, c);
  const loop = expanded ? work.loops?.[stepId] : undefined;
  return { ready, decided, ...(loop ? { loop } : {}) };
}

/**
 * A started loop after one of its items ended (synchronous, so items are handed out once):
 * the items to start now to keep `concurrency` in flight, or the loop's final result.
 */
export function continueLoop(
  plan: Plan,
  state: RunState,
  stepId: string,
  context: PassContext,
  failure?: RunFailure,
): StepDecision {
  const { decided, c } = decisionContext(plan, state, stepId, context, failure);
  const step = c.byId.get(stepId);
  const loop = state.loops?.[stepId];
  if (!step || !loop) throw new Error(`step "${stepId}" is not a started loop`);
  const { ready } = loopStep(step, loop.items, c);
  return { ready, decided };
}

/** Steps of a phase that can never start (a plan with a cycle), each failed with why. */
export function stuckSteps(
  steps: readonly PlanStep[],
  state: RunState,
): { unitId: string; result: UnitResult }[] {
  const decided: { unitId: string; result: UnitResult }[] = [];
  decideStuck(steps, state, (unitId, result) => decided.push({ unitId, result }));
  return decided;
}

/** Why the run failed: the first failed step, in plan order (none when it did not). */
export function runFailure(steps: readonly PlanStep[], state: RunState): RunFailure | undefined {
  return firstFailure(steps, state);
}

function firstFailure(steps: readonly PlanStep[], state: RunState): RunFailure | undefined {
  for (const step of steps) {
    const result = state.results[step.id];
    if (result?.status === "failed" && step.onError !== "continue") {
      return { step: step.id, message: result.error.message };
    }
  }
  return undefined;
}

/** True when a step's result makes its dependents skip. */
function blocksDependents(step: PlanStep | undefined, result: UnitResult | undefined): boolean {
  if (!result) return false;
  if (result.status === "failed") return step?.onError !== "continue";
  return result.status === "skipped" && result.cause === "upstream-failed";
}

/** What deciding one step needs: the run's working state and how to record decisions. */
interface StepContext {
  phase: Phase;
  work: RunState;
  running: ReadonlySet<string>;
  byId: Map<string, PlanStep>;
  /** Steps with an otherwise branch: their condition must decide, so a missing operand fails. */
  branching: ReadonlySet<string>;
  env: EvaluationEnv;
  scopeFor: (extra?: { item?: unknown; index?: number }) => Record<string, unknown>;
  decide: (id: string, result: UnitResult) => void;
}

function stepContext(
  phase: Phase,
  steps: readonly PlanStep[],
  plan: Plan,
  work: RunState,
  context: PassContext,
  env: EvaluationEnv,
  decide: (id: string, result: UnitResult) => void,
  failure?: RunFailure,
): StepContext {
  return {
    phase,
    work,
    running: new Set(work.running),
    byId: new Map(allStepsOf(plan).map((step) => [step.id, step])),
    branching: new Set(steps.flatMap((step) => (step.else !== undefined ? [step.else] : []))),
    env,
    scopeFor: (extra = {}) =>
      buildScope({
        trigger: context.trigger,
        steps: stepRecords(work),
        user: context.user,
        now: env.now,
        waits: context.waits,
        error: failure,
        ...extra,
      }),
    decide,
  };
}

/**
 * Decides one step whose dependencies all have a result: skip it, fail it (a condition or
 * forEach that cannot be evaluated), end its loop, or hand out the units to start. `changed`
 * says a result was decided (which may unlock its dependents).
 */
async function decideOne(
  step: PlanStep,
  c: StepContext,
): Promise<{ ready: ReadyUnit[]; changed: boolean }> {
  const { work, running, env, scopeFor, decide, phase } = c;
  const ready: ReadyUnit[] = [];
  const deps = stepDependencies(step);
  const failedDep = deps.find((dep) => blocksDependents(c.byId.get(dep), work.results[dep]));
  if (failedDep !== undefined) {
    const depResult = work.results[failedDep];
    // Name the step that actually failed, however far up it is.
    const reason =
      depResult?.status === "skipped" ? depResult.reason : `upstream step "${failedDep}" failed`;
    decide(step.id, { status: "skipped", reason, cause: "upstream-failed" });
    return { ready, changed: true };
  }

  const started = running.has(step.id) || work.loops?.[step.id] !== undefined;
  if (step.else !== undefined && !started) {
    const branch = work.results[step.else];
    if (branch && !(branch.status === "skipped" && branch.cause === "condition")) {
      decide(step.id, {
        status: "skipped",
        reason: otherBranchReason(step.else, branch),
        cause: "other-branch",
      });
      return { ready, changed: true };
    }
  }
  if (step.if !== undefined && !started) {
    let pass: boolean;
    try {
      if (c.branching.has(step.id)) {
        const missing = await findMissingOperand(step.if, scopeFor(), env);
        if (missing) {
          throw new Error(
            `${missing.text}; the condition cannot choose between this step and its otherwise branch: handle a missing value with $exists(${missing.path}) or a default like (${missing.path} ?? 0)`,
          );
        }
      }
      pass = isTruthy(await evaluateExpression(step.if, scopeFor(), env));
    } catch (error) {
      decide(step.id, {
        status: "failed",
        error: {
          message: `condition ${JSON.stringify(step.if)} failed: ${errorMessage(error)}`,
        },
      });
      return { ready, changed: true };
    }
    if (!pass) {
      decide(step.id, {
        status: "skipped",
        reason: `condition is false: ${step.if}`,
        cause: "condition",
      });
      return { ready, changed: true };
    }
  }

  if (step.forEach === undefined) {
    if (!running.has(step.id)) {
      ready.push({ id: step.id, stepId: step.id, step, phase, scope: scopeFor(), env });
    }
    return { ready, changed: false };
  }

  const loop = await expandLoop(step, work, scopeFor, env);
  if ("error" in loop) {
    decide(step.id, { status: "failed", error: { message: loop.error } });
    return { ready, changed: true };
  }
  return loopStep(step, loop.items, c);
}

/** A loop whose items are known: its final result, or the items to start now. */
function loopStep(
  step: PlanStep,
  items: readonly unknown[],
  c: StepContext,
): { ready: ReadyUnit[]; changed: boolean } {
  const outcome = loopOutcome(step, items, c.work, c.running);
  if (outcome.final) {
    for (const [id, result] of outcome.itemDecisions) c.decide(id, result);
    c.decide(step.id, outcome.final);
    return { ready: [], changed: true };
  }
  return {
    changed: false,
    ready: outcome.toStart.map((index) => ({
      id: unitId(step.id, index),
      stepId: step.id,
      step,
      phase: c.phase,
      index,
      item: items[index],
      scope: c.scopeFor({ item: items[index], index }),
      env: c.env,
    })),
  };
}

async function advancePhase(
  phase: Phase,
  steps: readonly PlanStep[],
  plan: Plan,
  work: RunState,
  context: PassContext,
  env: EvaluationEnv,
  decide: (id: string, result: UnitResult) => void,
  failure?: RunFailure,
): Promise<{ ready: ReadyUnit[]; settled: boolean }> {
  const c = stepContext(phase, steps, plan, work, context, env, decide, failure);
  // Decisions can unlock more decisions in the same pass (a skip makes its dependents
  // decidable), so iterate to a fixed point; each round decides at least one step or stops.
  let ready: ReadyUnit[] = [];
  for (let round = 0; round <= steps.length + 1; round++) {
    ready = [];
    let changed = false;
    for (const step of steps) {
      if (work.results[step.id]) continue;
      if (!stepDependencies(step).every((dep) => work.results[dep] !== undefined)) continue;
      const decision = await decideOne(step, c);
      ready.push(...decision.ready);
      changed ||= decision.changed;
    }
    if (!changed) break;
  }

  const settled = steps.every((step) => work.results[step.id] !== undefined);
  if (!settled && ready.length === 0 && (work.running ?? []).length === 0) {
    decideStuck(steps, work, decide);
    return { ready: [], settled: true };
  }
  return { ready, settled };
}

/** Nothing can move: only possible for a plan that skipped validation (a cycle). */
function decideStuck(
  steps: readonly PlanStep[],
  work: RunState,
  decide: (id: string, result: UnitResult) => void,
) {
  for (const step of steps) {
    if (!work.results[step.id]) {
      decide(step.id, {
        status: "failed",
        error: {
          message: `step "${step.id}" can never start: its dependencies cannot finish (is the plan valid?)`,
        },
      });
    }
  }
}

/** Why an otherwise branch did not run: its step ran (or failed), or an earlier branch did. */
function otherBranchReason(branchId: string, branch: UnitResult): string {
  if (branch.status === "skipped") return branch.reason;
  if (branch.status === "failed") return `"${branchId}" was taken instead and failed`;
  return `"${branchId}" ran instead (this step is its otherwise branch)`;
}

function allStepsOf(plan: Plan): PlanStep[] {
  return [...plan.steps, ...(plan.onFailure ?? [])];
}

async function expandLoop(
  step: PlanStep,
  work: RunState,
  scopeFor: () => Record<string, unknown>,
  env: EvaluationEnv,
): Promise<{ items: unknown[] } | { error: string }> {
  const known = work.loops?.[step.id];
  if (known) return known;
  let value: unknown;
  try {
    value = await evaluateExpression(step.forEach ?? "", scopeFor(), env);
  } catch (error) {
    return { error: `forEach ${JSON.stringify(step.forEach)} failed: ${errorMessage(error)}` };
  }
  // JSONata returns a lone match as the value itself and no match as nothing.
  const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  const max = step.maxItems ?? 0;
  if (items.length > max) {
    return {
      error: `forEach gave ${items.length} items, more than maxItems ${max}; filter the list or raise maxItems`,
    };
  }
  const loop = { items };
  work.loops = { ...(work.loops ?? {}), [step.id]: loop };
  return loop;
}

interface LoopOutcome {
  toStart: number[];
  final?: UnitResult;
  itemDecisions: [string, UnitResult][];
}

function loopOutcome(
  step: PlanStep,
  items: readonly unknown[],
  work: RunState,
  running: ReadonlySet<string>,
): LoopOutcome {
  const results = items.map((_, i) => work.results[unitId(step.id, i)]);
  const inFlight = items.filter((_, i) => running.has(unitId(step.id, i))).length;
  const firstFailed = results.findIndex((result) => result?.status === "failed");
  const stopOnFailure = firstFailed !== -1 && step.onError !== "continue";

  if (stopOnFailure) {
    // Start nothing new; once the items in flight are done, the loop fails.
    if (inFlight > 0) return { toStart: [], itemDecisions: [] };
    const failed = results[firstFailed] as Extract<UnitResult, { status: "failed" }>;
    const itemDecisions: [string, UnitResult][] = [];
    items.forEach((_, i) => {
      if (!results[i]) {
        itemDecisions.push([
          unitId(step.id, i),
          { status: "skipped", reason: `item ${firstFailed} failed`, cause: "loop-stopped" },
        ]);
      }
    });
    return {
      toStart: [],
      itemDecisions,
      final: {
        status: "failed",
        error: {
          message: `item ${firstFailed} failed: ${failed.error.message}`,
          index: firstFailed,
        },
      },
    };
  }

  if (results.every((result) => result !== undefined)) {
    const itemErrors: { index: number; message: string }[] = [];
    const output = results.map((result, index) => {
      if (result?.status === "succeeded") return result.output;
      if (result?.status === "failed") itemErrors.push({ index, message: result.error.message });
      return null;
    });
    return {
      toStart: [],
      itemDecisions: [],
      final:
        itemErrors.length > 0
          ? { status: "succeeded", output, itemErrors }
          : { status: "succeeded", output },
    };
  }

  const limit = step.concurrency ?? DEFAULT_CONCURRENCY;
  const toStart: number[] = [];
  for (let i = 0; i < items.length && inFlight + toStart.length < limit; i++) {
    if (!results[i] && !running.has(unitId(step.id, i))) toStart.push(i);
  }
  return { toStart, itemDecisions: [] };
}

/**
 * The input of a ready unit with its bindings resolved. Call it inside the durable step, so
 * secret values never enter memoized state; pass `redactedSecrets(names)` for display. `now`:
 * the attempt's own time (the step is memoized, so it may read the clock), for `now` and
 * `$now()` in the input; without it, the time the unit was decided at.
 */
export async function resolveUnitInput(
  unit: ReadyUnit,
  options: { secrets?: Record<string, string>; now?: string } = {},
): Promise<Record<string, unknown>> {
  let scope = options.secrets ? { ...unit.scope, secrets: options.secrets } : unit.scope;
  let env = unit.env;
  if (options.now) {
    scope = { ...scope, now: options.now };
    env = { ...env, now: options.now };
  }
  return (await resolveBindings(unit.step.input ?? {}, scope, env)) as Record<string, unknown>;
}
