// Child runs end with their parent. A `workflow.run` unit starts a child run and waits for it
// (inngest/functions/child-runs.ts); when the parent run ends without waiting any longer —
// cancelled by its owner (one run or a bulk action), replaced or timed out under its
// workflow's limits, or its engine function failed for good — the children it was still
// waiting on are cancelled too, each with the reason naming its parent ("Cancelled with its
// parent run …"). The cascade runs in the cancel-child-runs function (durable steps, one per
// parent), triggered by the run's cancel event: cancelling a child sends the child's own
// cancel event, so grandchildren follow the same way. A child that already ended is never
// touched (only runs still going are read, and a run's end is written once).
import "server-only";
import { getRunById, listActiveRunsByIds, listRunSteps } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { recordRunFinished } from "./records";
import { isTerminal } from "./status";
import { childRunIdOf } from "./view";

/** What a run cancelled with its parent keeps as its `error`. */
export type WithParentReason = { message: string; parentRunId: string };

/**
 * The reason of the parent's own end worth repeating to its children: its time limit, a newer
 * run replacing it, its failure; none for a plain cancel, nor for a parent itself cancelled
 * with its parent (each level names its own parent only).
 */
export function ownReasonOf(parent: Pick<Run, "status" | "error">): string | undefined {
  if (!isTerminal(parent.status)) return undefined;
  const error = (parent.error ?? null) as { message?: unknown; parentRunId?: unknown } | null;
  if (typeof error?.message !== "string" || error.message.length === 0) return undefined;
  return typeof error.parentRunId === "string" ? undefined : error.message;
}

/** The reason a child run ends with: its parent's id, and the parent's own reason if any. */
export function withParentReason(parentRunId: string, ownReason?: string): WithParentReason {
  const base = `Cancelled with its parent run ${parentRunId}`;
  return { message: ownReason ? `${base}: ${ownReason}` : base, parentRunId };
}

/**
 * The child runs of `parent` still going: one per `workflow.run` unit that has an attempt
 * (its id derives from the parent's id and the unit's, child-runs.ts `childRunId`), whatever
 * the attempt's state now (the parent's cancel may have ended its attempts already).
 */
export async function listOpenChildRuns(parent: Pick<Run, "id" | "userId">): Promise<Run[]> {
  const units = new Set(
    (await listRunSteps({ runId: parent.id })).map((row) =>
      row.iteration >= 0 ? `${row.stepId}#${row.iteration}` : row.stepId,
    ),
  );
  return listActiveRunsByIds({
    userId: parent.userId,
    runIds: [...units].map((unitId) => childRunIdOf(parent.id, unitId)),
  });
}

/**
 * Ends `childRunId` as cancelled with its parent, if it is still going and its owner's;
 * whether it changed (false: it had ended already, or it is not the owner's).
 */
export async function cancelWithParent({
  userId,
  childRunId,
  reason,
}: {
  userId: string;
  childRunId: string;
  reason: WithParentReason;
}): Promise<boolean> {
  const child = await getRunById({ runId: childRunId });
  if (!child || child.userId !== userId || isTerminal(child.status)) return false;
  return recordRunFinished({ runId: child.id, status: "cancelled", error: reason });
}

/** Whether the run's pinned plan has a `workflow.run` step (an unreadable plan may). */
export async function startsChildRuns(run: Pick<Run, "userId" | "versionId">): Promise<boolean> {
  const pinned = await loadPinnedPlan({ userId: run.userId, versionId: run.versionId });
  if (!pinned.ok) return true;
  return [...pinned.plan.steps, ...(pinned.plan.onFailure ?? [])].some(
    (step) => step.action === "workflow.run",
  );
}
