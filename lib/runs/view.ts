// What the run views read: one run with its steps and log, and a workflow's run history.
// Owner-checked: another person's run or workflow is reported as missing.
import "server-only";
import { getRunForOwner, listRunSteps, listRunsForWorkflow } from "@/lib/db/run-queries";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { type RunLogPosition, readRunLogTail } from "./run-log";

/**
 * A run's rows as read; `toWireRunView` (wire.ts) is how they travel. `events` are the log's
 * newest entries and older error lines; `log` says where the rest continues (run-log.ts).
 */
export type RunRecords = { run: Run; steps: RunStep[]; events: RunEvent[]; log?: RunLogPosition };

export const runNotFound = () =>
  new AppError("not_found:run", "This run does not exist or is not yours.");

/** The caller's run, through the owner query the run routes share (control.ts's too). */
export async function getOwnedRun({
  userId,
  runId,
}: {
  userId: string;
  runId: string;
}): Promise<Run> {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw runNotFound();
  return run;
}

export async function getRunView({
  userId,
  runId,
}: {
  userId: string;
  runId: string;
}): Promise<RunRecords> {
  const run = await getOwnedRun({ userId, runId });
  const [steps, tail] = await Promise.all([listRunSteps({ runId }), readRunLogTail({ runId })]);
  return { run, steps, events: tail.events, log: tail.log };
}

export async function listWorkflowRuns({
  userId,
  workflowId,
  limit,
}: {
  userId: string;
  workflowId: string;
  limit?: number;
}): Promise<Run[]> {
  const workflow = await getWorkflow({ id: workflowId, userId });
  if (!workflow) {
    throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
  }
  return listRunsForWorkflow({ workflowId, userId, limit });
}
