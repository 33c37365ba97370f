// The interpreter's loop for runs started since flows replaced passes (`load` memoized `flow`):
// no waves. Each unit, when done, continues its own chain: the steps that depend on it are
// decided as soon as all of THEIR `after` steps have a result, whatever their siblings are
// doing, and a loop starts its next item as soon as one of its items ends.
//
// Determinism on replay: a step is decided once all its dependencies have a memoized result,
// and the decision reads only those results (lib/plan `decideStep`), the run's trigger, and a
// clock memoized for the step itself (`<step>:decide`, taken only when its condition or
// forEach may read `now`, or when a skip must be recorded); so every step id and every
// decision is a function of memoized results, not of the order units finished in. Step ids:
// `<unit>` (and the unit's own `:arm|wait|done|start|invoke`), `<step>:decide`,
// `<step>:loop` (a loop's end). Units started while another unit runs are planned in
// Inngest's race mode (`group.parallel({ mode: "race" })`), so the engine asks the function
// what comes next after each of them ends instead of joining them; a unit started alone runs
// at once (and checkpointed) like any sequential step.
//
// One thing depends on order: a loop that stops at its first failed item starts no item
// after the failure is seen, so which items started before it follows completion order —
// which the SDK replays (memoized results resolve in the order they were stored).
import type { GetStepTools, Inngest } from "inngest";
import {
  continueLoop,
  decideStep,
  decisionReadsClock,
  initialRunState,
  type PassContext,
  type Phase,
  type ReadyUnit,
  type RunFailure,
  type RunState,
  runFailure,
  type StepDecision,
  stuckSteps,
  type UnitResult,
} from "@/lib/plan/progress";
import { type Plan, type PlanStep, stepDependencies } from "@/lib/plan/schema";
import { recordDecidedUnits, summarizeDecided } from "./decided-units";

export type FlowOutcome = { state: RunState; failure?: RunFailure };

export async function runFlow(args: {
  step: GetStepTools<Inngest.Any>;
  /** Runs `work` with its steps in race mode (`group.parallel({ mode: "race" }, work)`). */
  inRace: <T>(work: () => Promise<T>) => Promise<T>;
  runId: string;
  plan: Plan;
  /** Trigger, person, waits, zone; `now` is the run's logical start (memoized by `load`). */
  context: PassContext;
  runUnit: (unit: ReadyUnit) => Promise<UnitResult>;
}): Promise<FlowOutcome> {
  const { step, plan, runId, context } = args;
  const state: RunState = initialRunState();
  const running = new Set<string>();
  const claimed = new Set<string>();
  const pending = new Set<Promise<void>>();
  let phase: Phase = "main";
  let failure: RunFailure | undefined;

  const dependents = new Map<string, PlanStep[]>();
  for (const s of [...plan.steps, ...(plan.onFailure ?? [])]) {
    for (const dep of stepDependencies(s)) {
      dependents.set(dep, [...(dependents.get(dep) ?? []), s]);
    }
  }
  const phaseSteps = () => (phase === "main" ? plan.steps : (plan.onFailure ?? []));
  const inPhase = (s: PlanStep) => phaseSteps().includes(s);
  const snapshot = (): RunState => ({ ...state, running: [...running] });

  // Every piece of work (deciding a step, running a unit and what follows it) is pending
  // until it ends; a rejected piece (the run was cancelled under a unit, a bug) ends the
  // function: the drain below races them all.
  const spawn = (work: () => Promise<void>) => {
    const piece = Promise.resolve().then(work);
    piece.catch(() => {});
    pending.add(piece);
    piece.then(
      () => pending.delete(piece),
      () => {},
    );
  };
  // Decisions and units under way, counted when handed out and uncounted the moment their
  // step is done (before what follows them is handed out), so the count is exact whatever
  // order promises settle in.
  let active = 0;
  /**
   * A step called while other work is under way goes in race mode: the engine asks what
   * comes next as soon as it ends rather than joining it with the rest. A step called alone
   * runs at once (and is checkpointed) like any sequential step.
   */
  const race = <T>(work: () => Promise<T>) => (active > 1 ? args.inRace(work) : work());

  const setResult = (unitId: string, result: UnitResult) => {
    state.results[unitId] = result;
  };

  /** Decide every dependent of `stepId` whose own dependencies are now all done. */
  const unlock = (stepId: string) => {
    for (const next of dependents.get(stepId) ?? []) consider(next);
  };

  /** Claims `s` (synchronously, so it is decided once) when its dependencies are all done. */
  const consider = (s: PlanStep) => {
    if (claimed.has(s.id) || !inPhase(s)) return;
    if (!stepDependencies(s).every((dep) => state.results[dep] !== undefined)) return;
    claimed.add(s.id);
    active++;
    spawn(() => decide(s));
  };

  /** Records what a decision settled without running anything (in the step's `:decide`). */
  const recordDecided = (id: string, decision: StepDecision, at: string) =>
    recordDecidedUnits({
      runId,
      decided: summarizeDecided(decision.decided),
      loops: decision.loop ? { ...state.loops, [id]: decision.loop } : state.loops,
      at,
      started: decision.loop ? [id] : [],
    });

  const decide = async (s: PlanStep) => {
    const withoutClock = await decideStep(plan, snapshot(), s.id, context, failure);
    let decision = withoutClock;
    const mustRecord = withoutClock.decided.length > 0 || withoutClock.loop !== undefined;
    if (decisionReadsClock(s) || mustRecord) {
      // The decision with a clock of its own, taken (and its outcome recorded) once.
      const now = await race(() =>
        step.run(`${s.id}:decide`, async () => {
          const at = new Date().toISOString();
          const fresh = await decideStep(plan, snapshot(), s.id, { ...context, now: at }, failure);
          await recordDecided(s.id, fresh, at);
          return at;
        }),
      );
      decision = await decideStep(plan, snapshot(), s.id, { ...context, now }, failure);
    }
    active--;
    apply(s.id, decision);
  };

  /** Applies a decision to the run's state: results, a loop's items, units to start. */
  const apply = (stepId: string, decision: StepDecision) => {
    if (decision.loop) state.loops = { ...state.loops, [stepId]: decision.loop };
    for (const { unitId, result } of decision.decided) setResult(unitId, result);
    for (const unit of decision.ready) {
      running.add(unit.id);
      active++;
      spawn(() => runChain(unit));
    }
    if (state.results[stepId] !== undefined) unlock(stepId);
  };

  const runChain = async (unit: ReadyUnit) => {
    const result = await race(() => args.runUnit(unit));
    active--;
    running.delete(unit.id);
    setResult(unit.id, result);
    if (unit.index === undefined) {
      unlock(unit.stepId);
      return;
    }
    const next = continueLoop(plan, snapshot(), unit.stepId, context, failure);
    if (next.decided.length === 0) {
      apply(unit.stepId, next);
      return;
    }
    // The loop ended: its result (and items it never started) recorded in `<step>:loop`.
    const decided = summarizeDecided(next.decided);
    const loops = state.loops;
    active++;
    await race(() =>
      step.run(`${unit.stepId}:loop`, () =>
        recordDecidedUnits({ runId, decided, loops, at: new Date().toISOString() }),
      ),
    );
    active--;
    apply(unit.stepId, next);
  };

  const drain = async () => {
    for (const s of phaseSteps()) consider(s);
    while (pending.size > 0) await Promise.race(pending);
    const stuck = stuckSteps(phaseSteps(), state);
    if (stuck.length > 0) {
      const decided = summarizeDecided(stuck);
      await step.run(`${phase}:stuck`, () =>
        recordDecidedUnits({ runId, decided, loops: state.loops, at: new Date().toISOString() }),
      );
      for (const { unitId, result } of stuck) setResult(unitId, result);
    }
  };

  await drain();
  failure = runFailure(plan.steps, state);
  if (failure && (plan.onFailure ?? []).length > 0) {
    phase = "onFailure";
    await drain();
  }
  return { state, failure };
}
