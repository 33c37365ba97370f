// A run's progress through its plan: the pure half of the interpreter. Given a plan and the
// results so far, what runs next, what is skipped and why, and whether the run is over.
// Everything here is a function of its arguments (memoized results + the logical `now`), so an
// Inngest function (inngest/functions/execute-workflow.ts) can call it on every replay and get
// the same answer.
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
  const byId = new Map(allStepsOf(plan).map((step) => [step.id, step]));
  // Steps with an otherwise branch: their condition must decide, so a missing operand fails.
  const branching = new Set(steps.flatMap((step) => (step.else !== undefined ? [step.else] : [])));
  const running = new Set(work.running);
  const scopeFor = (extra: { item?: unknown; index?: number } = {}) =>
    buildScope({
      trigger: context.trigger,
      steps: stepRecords(work),
      user: context.user,
      now: env.now,
      waits: context.waits,
      error: failure,
      ...extra,
    });

  // Decisions can unlock more decisions in the same pass (a skip makes its dependents
  // decidable), so iterate to a fixed point; each round decides at least one step or stops.
  let ready: ReadyUnit[] = [];
  for (let round = 0; round <= steps.length + 1; round++) {
    ready = [];
    let changed = false;
    for (const step of steps) {
      if (work.results[step.id]) continue;
      const deps = stepDependencies(step);
      if (!deps.every((dep) => work.results[dep] !== undefined)) continue;

      const failedDep = deps.find((dep) => blocksDependents(byId.get(dep), work.results[dep]));
      if (failedDep !== undefined) {
        const depResult = work.results[failedDep];
        // Name the step that actually failed, however far up it is.
        const reason =
          depResult?.status === "skipped"
            ? depResult.reason
            : `upstream step "${failedDep}" failed`;
        decide(step.id, { status: "skipped", reason, cause: "upstream-failed" });
        changed = true;
        continue;
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
          changed = true;
          continue;
        }
      }
      if (step.if !== undefined && !started) {
        let pass: boolean;
        try {
          if (branching.has(step.id)) {
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
          changed = true;
          continue;
        }
        if (!pass) {
          decide(step.id, {
            status: "skipped",
            reason: `condition is false: ${step.if}`,
            cause: "condition",
          });
          changed = true;
          continue;
        }
      }

      if (step.forEach === undefined) {
        if (!running.has(step.id)) {
          ready.push({ id: step.id, stepId: step.id, step, phase, scope: scopeFor(), env });
        }
        continue;
      }

      const loop = await expandLoop(step, work, scopeFor, env);
      if ("error" in loop) {
        decide(step.id, { status: "failed", error: { message: loop.error } });
        changed = true;
        continue;
      }
      const outcome = loopOutcome(step, loop.items, work, running);
      if (outcome.final) {
        for (const [id, result] of outcome.itemDecisions) decide(id, result);
        decide(step.id, outcome.final);
        changed = true;
        continue;
      }
      for (const index of outcome.toStart) {
        ready.push({
          id: unitId(step.id, index),
          stepId: step.id,
          step,
          phase,
          index,
          item: loop.items[index],
          scope: scopeFor({ item: loop.items[index], index }),
          env,
        });
      }
    }
    if (!changed) break;
  }

  const settled = steps.every((step) => work.results[step.id] !== undefined);
  if (!settled && ready.length === 0 && (work.running ?? []).length === 0) {
    // Nothing can move: only possible for a plan that skipped validation (a cycle).
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
    return { ready: [], settled: true };
  }
  return { ready, settled };
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
 * secret values never enter memoized state; pass `redactedSecrets(names)` for display.
 */
export async function resolveUnitInput(
  unit: ReadyUnit,
  options: { secrets?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const scope = options.secrets ? { ...unit.scope, secrets: options.secrets } : unit.scope;
  return (await resolveBindings(unit.step.input ?? {}, scope, unit.env)) as Record<string, unknown>;
}
