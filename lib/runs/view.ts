// What the run views read: one run with its steps and log (a workflow's run history is
// lib/db/history-queries.ts).
// Owner-checked: another person's run or workflow is reported as missing.
import "server-only";
import { listReruns } from "@/lib/db/rerun-queries";
import { getRunForOwner, listRunSteps } from "@/lib/db/run-queries";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import type { Plan } from "@/lib/plan/schema";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { derivedUuid } from "./derived-id";
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

/** The runs a run is linked to by re-runs: its source (if the owner's) and its re-runs. */
export async function getRunLinks({ run }: { run: Run }) {
  const [source, rerunAs] = await Promise.all([
    run.rerunOfId ? getRunForOwner({ runId: run.rerunOfId, userId: run.userId }) : undefined,
    listReruns({ runId: run.id }),
  ]);
  return { rerunOf: source ?? null, rerunAs };
}

/** What the timeline adds to a run's records: its pinned plan, its title, its child runs. */
export type RunPlanView = {
  plan: { plan: Plan; version: number } | null;
  workflowTitle: string | null;
  children: Record<string, string>;
};

/** The run id a `workflow.run` unit's child runs as (as inngest/functions/child-runs.ts makes it). */
export const childRunIdOf = (runId: string, unitId: string) =>
  derivedUuid(`child:${runId}:${unitId}`, "a");

/**
 * The pinned plan of a run already owner-checked (getRunView), read through the one plan
 * parse; its workflow's title; and the child run of every `workflow.run` unit: a plain step's
 * from the start, a loop item's once it has an attempt.
 */
export async function getRunPlan({
  run,
  steps,
}: {
  run: Run;
  steps: RunStep[];
}): Promise<RunPlanView> {
  const pinned = await loadPinnedPlan({ userId: run.userId, versionId: run.versionId });
  const workflowTitle = pinned.ok
    ? pinned.workflow.title
    : ((await getWorkflow({ id: run.workflowId, userId: run.userId }))?.title ?? null);
  // A test run starts no child run: its workflow.run units were simulated.
  if (!pinned.ok || run.test) {
    return {
      plan: pinned.ok ? { plan: pinned.plan, version: pinned.version.number } : null,
      workflowTitle,
      children: {},
    };
  }
  const children: Record<string, string> = {};
  const childSteps = [...pinned.plan.steps, ...(pinned.plan.onFailure ?? [])].filter(
    (step) => step.action === "workflow.run",
  );
  for (const step of childSteps) {
    if (step.forEach === undefined) children[step.id] = childRunIdOf(run.id, step.id);
  }
  const loops = new Set(childSteps.filter((s) => s.forEach !== undefined).map((s) => s.id));
  for (const row of steps) {
    if (loops.has(row.stepId) && row.iteration >= 0) {
      const unit = `${row.stepId}#${row.iteration}`;
      children[unit] = childRunIdOf(run.id, unit);
    }
  }
  return {
    plan: { plan: pinned.plan, version: pinned.version.number },
    workflowTitle,
    children,
  };
}
