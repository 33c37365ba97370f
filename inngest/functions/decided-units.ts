// What the run's progress decided without running anything (a flow's `<step>:decide` and
// `<step>:loop`, a pass's `pass-<n>:decided`): skipped steps with their reason, loops that
// started (their item count) or finished (their combined result), and conditions or loops that
// could not be evaluated.
import "server-only";
import type { RunState, UnitResult } from "@/lib/plan/progress";
import {
  recordDecidedFailure,
  recordLoopFinished,
  recordLoopStarted,
  recordSkipped,
  splitUnitId,
} from "@/lib/runs/records";
import { summarize } from "@/lib/runs/summary";

export type DecidedUnit = { unitId: string; result: UnitResult };

/** Decided results as the step records them: outputs (a loop's item list) summarized. */
export function summarizeDecided(decided: readonly DecidedUnit[]): DecidedUnit[] {
  return decided.map(({ unitId, result }) => ({
    unitId,
    result:
      result.status === "succeeded"
        ? { ...result, output: summarize(result.output, 2048) }
        : result,
  }));
}

/** Loops expanded by a pass: in `after`'s loops and not in `before`'s. */
export function newlyExpandedLoops(before: RunState, after: RunState): string[] {
  return Object.keys(after.loops ?? {}).filter((id) => before.loops?.[id] === undefined);
}

/**
 * Records each loop a pass expanded (how many items it has, so a card can say "3 of 5
 * items"), then each decided unit: a skip, a loop's end, or a failure nothing ran for.
 */
export async function recordDecidedUnits(args: {
  runId: string;
  decided: readonly DecidedUnit[];
  /** The loops expanded so far (the state after the pass). */
  loops: RunState["loops"];
  /** The pass's logical time. */
  at: string;
  /** Loops this pass expanded (their item count is known from now on). */
  started?: readonly string[];
}): Promise<void> {
  const { runId, loops } = args;
  const at = new Date(args.at);
  for (const stepId of args.started ?? []) {
    await recordLoopStarted({ runId, stepId, items: loops?.[stepId]?.items.length ?? 0 });
  }
  for (const { unitId, result } of args.decided) {
    const isLoop = !unitId.includes("#") && loops?.[unitId] !== undefined;
    if (result.status === "skipped") {
      await recordSkipped({ runId, unitId, reason: result.reason, cause: result.cause, at });
    } else if (isLoop) {
      await recordLoopFinished({
        runId,
        stepId: splitUnitId(unitId).stepId,
        status: result.status,
        items: loops?.[unitId]?.items.length ?? 0,
        message: result.status === "failed" ? result.error.message : undefined,
      });
    } else if (result.status === "failed") {
      await recordDecidedFailure({ runId, unitId, message: result.error.message, at });
    }
  }
}
