// workflow.run units: another of the person's workflows runs as a child run. `<unit>:start`
// creates the child's run record (with a stable id, so a retried step finds the same run),
// `<unit>:invoke` runs the interpreter on it with `step.invoke`, `<unit>:done` records how it
// ended.
import "server-only";
import { createHash } from "node:crypto";
import { type GetStepTools, type Inngest, type InngestFunction, NonRetriableError } from "inngest";
import { getRunById } from "@/lib/db/run-queries";
import { type ReadyUnit, resolveUnitInput, type UnitResult } from "@/lib/plan/progress";
import { cancelWithParent, ownReasonOf, withParentReason } from "@/lib/runs/child-cancel";
import { recordAttemptFinished, recordAttemptStarted, recordStartFailed } from "@/lib/runs/records";
import { prepareRun } from "@/lib/runs/start-run";
import { isTerminal } from "@/lib/runs/status";
import { resolveWorkflowTarget } from "@/lib/workflows/workflow-refs";
import { messageOf, type RunInfo } from "./unit-steps";

/** workflow.run levels a run may nest. */
export const MAX_WORKFLOW_DEPTH = 5;

/** What `<unit>:start` memoizes (its shape must not change: runs in flight replay it). */
export type ChildRun = { runId: string; workflowId: string; versionId: string; startedAt: string };

/** A stable UUID for the child run a workflow.run unit starts (retries reuse it). */
export function childRunId(runId: string, unitId: string): string {
  const hex = createHash("sha256").update(`child:${runId}:${unitId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `<unit>:start`: records the attempt and prepares the child's run; failures are final. */
export async function startChildRun(args: {
  run: RunInfo;
  unit: ReadyUnit;
  /** How deep the parent run is nested (0 for a run nobody invoked). */
  depth: number;
}): Promise<ChildRun> {
  const { run, unit } = args;
  const startedAt = new Date();
  const resolved = (await resolveUnitInput(unit, { now: startedAt.toISOString() })) as {
    workflow?: string;
    input?: Record<string, unknown>;
  };
  await recordAttemptStarted({
    runId: run.runId,
    unitId: unit.id,
    attempt: 1,
    input: resolved,
    startedAt,
  });
  try {
    if (args.depth + 1 > MAX_WORKFLOW_DEPTH) {
      throw new Error(`workflows may nest at most ${MAX_WORKFLOW_DEPTH} levels deep`);
    }
    // An id, or a title (a binding may produce either): a sentence when it finds none.
    const target = await resolveWorkflowTarget({ userId: run.userId, ref: resolved.workflow });
    if (!target.ok) throw new Error(target.message);
    const childRun = await prepareRun({
      userId: run.userId,
      workflowId: target.workflowId,
      inputs: resolved.input ?? {},
      threadId: run.threadId,
      runId: childRunId(run.runId, unit.id),
    });
    // The parent ended while this step ran (cancelled, timed out): nothing will invoke the
    // child, and the parent's cancel may have looked for its children before this one existed.
    const parent = await getRunById({ runId: run.runId });
    if (parent && isTerminal(parent.status)) {
      await cancelWithParent({
        userId: run.userId,
        childRunId: childRun.id,
        reason: withParentReason(parent.id, ownReasonOf(parent)),
      });
    }
    return {
      runId: childRun.id,
      workflowId: childRun.workflowId,
      versionId: childRun.versionId,
      startedAt: startedAt.toISOString(),
    };
  } catch (error) {
    await recordStartFailed({ runId: run.runId, unitId: unit.id, error, startedAt });
    throw new NonRetriableError(messageOf(error));
  }
}

/** A workflow.run unit from start to end: start, invoke `fn` (the interpreter), record. */
export async function runChildUnit(args: {
  step: GetStepTools<Inngest.Any>;
  /** The interpreter function itself: the child runs the same way its parent does. */
  fn: InngestFunction.Any;
  run: RunInfo;
  unit: ReadyUnit;
  depth: number;
}): Promise<UnitResult> {
  const { step, run, unit, depth } = args;
  try {
    const child = await step.run(`${unit.id}:start`, () => startChildRun({ run, unit, depth }));
    let result: UnitResult;
    try {
      const value = (await step.invoke(`${unit.id}:invoke`, {
        function: args.fn,
        data: {
          runId: child.runId,
          userId: run.userId,
          workflowId: child.workflowId,
          versionId: child.versionId,
          depth: depth + 1,
        },
      })) as { output?: unknown } | null;
      result = {
        status: "succeeded",
        output: { runId: child.runId, status: "succeeded", output: value?.output ?? null },
      };
    } catch (error) {
      result = {
        status: "failed",
        error: { message: `workflow run ${child.runId} failed: ${messageOf(error)}` },
      };
    }
    await step.run(`${unit.id}:done`, () =>
      recordAttemptFinished({
        runId: run.runId,
        unitId: unit.id,
        attempt: 1,
        status: result.status === "succeeded" ? "succeeded" : "failed",
        output: result.status === "succeeded" ? result.output : undefined,
        error: result.status === "failed" ? result.error : undefined,
        startedAt: new Date(child.startedAt),
        finishedAt: new Date(),
      }),
    );
    return result;
  } catch (error) {
    return { status: "failed", error: { message: messageOf(error) } };
  }
}
