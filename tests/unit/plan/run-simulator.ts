// Drives the pure run progress (lib/plan/progress) the way the Inngest interpreter does
// (waves of Promise.all), with fake step behaviour, so tests can assert what ran, in which
// wave, and what was skipped.
import {
  initialRunState,
  nextActions,
  type PassContext,
  type PassDecision,
  type ReadyUnit,
  type RunState,
  recordResults,
  type UnitResult,
} from "@/lib/plan/progress";
import { type Plan, PlanSchema } from "@/lib/plan/schema";

export type Behaviour = (unit: ReadyUnit) => UnitResult | Promise<UnitResult>;

export interface Simulation {
  waves: string[][];
  state: RunState;
  final: PassDecision;
  skipped: Record<string, string>;
}

export function plan(json: unknown): Plan {
  return PlanSchema.parse(json);
}

export const ok = (output: unknown): UnitResult => ({ status: "succeeded", output });
export const fail = (message: string): UnitResult => ({ status: "failed", error: { message } });

/** Default behaviour: every unit succeeds with `<unit id> done`, or its item when looping. */
export const echo: Behaviour = (unit) =>
  ok(unit.index === undefined ? `${unit.id} done` : { item: unit.item, index: unit.index });

export async function simulate(
  p: Plan,
  behaviours: Record<string, Behaviour> = {},
  context: Partial<PassContext> = {},
): Promise<Simulation> {
  let state = initialRunState();
  const waves: string[][] = [];
  const skipped: Record<string, string> = {};
  for (let pass = 0; pass < 500; pass++) {
    const next = await nextActions(p, state, { now: "2026-03-30T05:30:00.000Z", ...context });
    for (const { unitId, result } of next.decided) {
      if (result.status === "skipped") skipped[unitId] = result.reason;
    }
    state = next.state;
    if (next.status !== "running") return { waves, state, final: next, skipped };
    waves.push(next.ready.map((unit) => unit.id));
    const results = await Promise.all(
      next.ready.map(async (unit) => ({
        unitId: unit.id,
        result: await (behaviours[unit.stepId] ?? echo)(unit),
      })),
    );
    state = recordResults(state, results);
  }
  throw new Error("the run did not finish in 500 passes");
}
