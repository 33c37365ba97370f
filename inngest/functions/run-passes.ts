// The interpreter's loop for runs started before flows (their memoized `load` has no `flow`):
// passes. Each pass captures `now` in a step (`pass-<n>:now`), asks the pure `nextActions`
// what is ready, records what it decided (`pass-<n>:decided`) and runs the ready units as one
// wave (`Promise.all`). Kept unchanged so that runs in flight at an upgrade replay the step ids
// they memoized; new runs use run-flow.ts.
import { type GetStepTools, type Inngest, NonRetriableError } from "inngest";
import {
  initialRunState,
  nextActions,
  type PassContext,
  type ReadyUnit,
  type RunFailure,
  type RunState,
  recordResults,
  type UnitResult,
} from "@/lib/plan/progress";
import type { Plan } from "@/lib/plan/schema";
import { newlyExpandedLoops, recordDecidedUnits, summarizeDecided } from "./decided-units";
import type { FlowOutcome } from "./run-flow";

const MAX_PASSES = 2000;

export async function runPasses(args: {
  step: GetStepTools<Inngest.Any>;
  runId: string;
  plan: Plan;
  context: Omit<PassContext, "now">;
  runUnit: (unit: ReadyUnit) => Promise<UnitResult>;
}): Promise<FlowOutcome> {
  const { step, runId, plan } = args;
  let state: RunState = initialRunState();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const now = await step.run(`pass-${pass}:now`, () => new Date().toISOString());
    const next = await nextActions(plan, state, { ...args.context, now });
    const started = newlyExpandedLoops(state, next.state);
    state = next.state;
    if (next.decided.length > 0 || started.length > 0) {
      const decided = summarizeDecided(next.decided);
      const loops = state.loops;
      await step.run(`pass-${pass}:decided`, () =>
        recordDecidedUnits({ runId, decided, loops, at: now, started }),
      );
    }
    if (next.status !== "running") {
      const failure: RunFailure | undefined = next.status === "failed" ? next.failure : undefined;
      return { state, failure };
    }
    if (next.ready.length === 0) continue;
    const results = await Promise.all(next.ready.map(args.runUnit));
    state = recordResults(
      state,
      next.ready.map((unit, i) => ({ unitId: unit.id, result: results[i] })),
    );
  }
  throw new NonRetriableError(`the run did not settle within ${MAX_PASSES} passes`);
}
