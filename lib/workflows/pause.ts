// Pausing and resuming a workflow. Paused, its schedule and event triggers start nothing and its
// webhook answers 409; a person can still run it by hand ("Run now", "run it"), as n8n and
// Zapier allow for inactive workflows: pausing stops what starts on its own, not the owner.
// Resuming starts nothing that was missed while paused unless the person asks for a back-fill:
// then the latest MAX_BACKFILL fire times of its schedule in (pausedAt, resumedAt] start, each
// with the id a tick would have given it, so a repeated back-fill (or a tick) starts none twice.
import "server-only";
import type { inngest as appClient } from "@/inngest/client";
import type { Workflow } from "@/lib/db/schema";
import { getWorkflow, markWorkflowPaused, markWorkflowResumed } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { lastFireTimesIn } from "@/lib/plan/schedule";
import { type DueRun, startScheduledRun } from "@/lib/runs/schedules";
import { loadPinnedPlan } from "./pinned-plan";

type Sender = Pick<typeof appClient, "send">;

/** The most missed fire times one back-fill starts (the latest ones). */
export const MAX_BACKFILL = 100;

/** A workflow's pause state as routes and tools answer it. */
export type PauseState = {
  id: string;
  title: string;
  status: Workflow["status"];
  pausedAt: string | null;
  resumedAt: string | null;
};

export function pauseStateOf(workflow: Workflow): PauseState {
  return {
    id: workflow.id,
    title: workflow.title,
    status: workflow.status,
    pausedAt: workflow.pausedAt?.toISOString() ?? null,
    resumedAt: workflow.resumedAt?.toISOString() ?? null,
  };
}

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

/** Why a workflow in `status` cannot be paused (or resumed), in words a person can act on. */
function refusal(status: Workflow["status"], doing: "pause" | "resume"): AppError {
  const reasons: Record<Workflow["status"], string> = {
    draft: "it has no approved version yet, so nothing starts on its own",
    active: "it is not paused",
    paused: "it is already paused",
    archived: "it is archived",
  };
  const message =
    doing === "pause" && status === "paused"
      ? "This workflow is already paused."
      : doing === "resume" && status === "active"
        ? "This workflow is not paused: its triggers already start runs."
        : `This workflow cannot be ${doing}d: ${reasons[status]}.`;
  return new AppError("conflict:workflow", message);
}

/** Pauses the caller's active workflow; 404 when not theirs, 409 when it is not active. */
export async function pauseWorkflow({
  userId,
  workflowId,
  now = new Date(),
}: {
  userId: string;
  workflowId: string;
  now?: Date;
}): Promise<Workflow> {
  const paused = await markWorkflowPaused({ id: workflowId, userId, now });
  if (paused) return paused;
  const workflow = await getWorkflow({ id: workflowId, userId });
  if (!workflow) throw notFound();
  throw refusal(workflow.status, "pause");
}

/**
 * Resumes the caller's paused workflow; 404 when not theirs, 409 when it is not paused. With
 * `backfill`, starts the schedule's fire times missed while it was paused (the latest
 * MAX_BACKFILL) and says how many; otherwise starts nothing.
 */
export async function resumeWorkflow({
  userId,
  workflowId,
  backfill = false,
  now = new Date(),
  client,
}: {
  userId: string;
  workflowId: string;
  backfill?: boolean;
  now?: Date;
  client?: Sender;
}): Promise<{ workflow: Workflow; backfilled?: number }> {
  const before = await getWorkflow({ id: workflowId, userId });
  if (!before) throw notFound();
  const workflow = await markWorkflowResumed({ id: workflowId, userId, now });
  if (!workflow) throw refusal(before.status, "resume");
  if (!backfill) return { workflow };
  const missed = before.pausedAt ? await missedWhilePaused(workflow, before.pausedAt, now) : [];
  for (const due of missed) await startScheduledRun(due, client);
  return { workflow, backfilled: missed.length };
}

/** The fire times the workflow's schedule missed in (pausedAt, resumedAt], latest first capped. */
async function missedWhilePaused(
  workflow: Workflow,
  pausedAt: Date,
  resumedAt: Date,
): Promise<DueRun[]> {
  if (!workflow.activeVersionId) return [];
  const pinned = await loadPinnedPlan({
    versionId: workflow.activeVersionId,
    userId: workflow.userId,
  });
  if (!pinned.ok) return [];
  return lastFireTimesIn(pinned.plan.trigger, pausedAt, resumedAt, MAX_BACKFILL).map((at) => ({
    workflowId: workflow.id,
    versionId: pinned.version.id,
    userId: workflow.userId,
    threadId: workflow.threadId,
    title: workflow.title,
    at: at.toISOString(),
    backfill: true,
  }));
}

/** How many fire times a back-fill would start now (for a confirmation), without starting any. */
export async function countMissedWhilePaused({
  userId,
  workflowId,
  now = new Date(),
}: {
  userId: string;
  workflowId: string;
  now?: Date;
}): Promise<number> {
  const workflow = await getWorkflow({ id: workflowId, userId });
  if (workflow?.status !== "paused" || !workflow.pausedAt) return 0;
  return (await missedWhilePaused(workflow, workflow.pausedAt, now)).length;
}
