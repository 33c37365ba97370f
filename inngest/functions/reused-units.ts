// A re-run's reused units: a unit whose recorded output the re-run takes from the run it
// re-runs instead of running it. It runs as the unit's own step (`<unit>`), which copies the
// output (inside the step, so it is read once and memoized), records a succeeded attempt with
// `reused_from` and a log entry, and returns what a success would. A reused wait arms nothing
// and a reused workflow.run starts nothing: neither reaches its own steps.
import "server-only";
import { type GetStepTools, type Inngest, NonRetriableError } from "inngest";
import { getSucceededAttempt } from "@/lib/db/rerun-queries";
import { loadRunOutput } from "@/lib/db/run-queries";
import type { ReadyUnit, UnitResult } from "@/lib/plan/progress";
import { recordReusedUnit, splitUnitId } from "@/lib/runs/records";
import { isTruncated } from "@/lib/runs/summary";
import {
  carriedOutput,
  type createOutputLoader,
  messageOf,
  type RunInfo,
  type TaskOutcome,
} from "./unit-steps";

/** The step body: the source's recorded output, copied into this run. */
export async function copyReusedOutput(args: {
  run: RunInfo;
  unit: ReadyUnit;
  sourceRunId: string;
}): Promise<TaskOutcome> {
  const { run, unit, sourceRunId } = args;
  const { stepId, iteration } = splitUnitId(unit.id);
  const gone = () =>
    new NonRetriableError(
      `the recorded output of ${unit.id} in run ${sourceRunId.slice(0, 8)} is no longer kept; re-run from this step`,
    );
  const row = await getSucceededAttempt({ runId: sourceRunId, stepId, iteration });
  if (!row) throw gone();
  // A row holds the output itself unless it was bigger than its summary: then run_outputs has it.
  let output: unknown = row.output;
  if (isTruncated(row.output)) {
    output = await loadRunOutput({ runId: sourceRunId, unitId: unit.id }).catch(() => {
      throw gone();
    });
  }
  await recordReusedUnit({
    runId: run.runId,
    unitId: unit.id,
    sourceRunId,
    output,
    at: new Date(),
  });
  return { output: carriedOutput(unit.id, output) };
}

/** A reused unit as the durable step `<unit>`. */
export async function runReusedUnit(args: {
  step: GetStepTools<Inngest.Any>;
  run: RunInfo;
  unit: ReadyUnit;
  sourceRunId: string;
  loadOutput: ReturnType<typeof createOutputLoader>;
}): Promise<UnitResult> {
  const { step, run, unit, sourceRunId } = args;
  try {
    const outcome = await step.run(unit.id, () => copyReusedOutput({ run, unit, sourceRunId }));
    return { status: "succeeded", output: await args.loadOutput(unit.id, outcome.output) };
  } catch (error) {
    return { status: "failed", error: { message: messageOf(error) } };
  }
}
