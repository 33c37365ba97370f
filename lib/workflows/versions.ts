// The person's decisions on a workflow's versions, from the plan card: approve, reject, and
// save an edit as a new version. Each answers with the card as it now stands.
import "server-only";
import { actionRegistry } from "@/lib/actions/registry";
import type { ChatMessage } from "@/lib/ai/types";
import { saveMessages, touchThread } from "@/lib/db/queries";
import {
  addWorkflowVersion,
  approveWorkflowVersion,
  getLatestVersion,
  getWorkflowVersion,
  rejectWorkflowVersion,
} from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import type { PlanIssue } from "@/lib/plan/issues";
import { validatePlan } from "@/lib/plan/validate";
import { requirePlanSecrets } from "@/lib/secrets/plan-secrets";
import { readStoredPlan } from "./pinned-plan";
import { cardForVersion } from "./plan-card";
import type { PlanCardData } from "./plan-card-types";
import { changesSince } from "./version-diff";
import { resolveWorkflowRefs } from "./workflow-refs";

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

/** Approves a draft once every secret its plan names is stored; it becomes the version that runs. */
export async function approvePlanVersion(input: {
  userId: string;
  workflowId: string;
  versionId: string;
}): Promise<PlanCardData> {
  const pending = await getWorkflowVersion({ versionId: input.versionId, userId: input.userId });
  if (pending) {
    await requirePlanSecrets({
      userId: input.userId,
      plan: pending.version.plan,
      doing: "approve",
    });
    await requireWorkflowRefs({ userId: input.userId, workflowId: input.workflowId, pending });
  }
  const { workflow, version } = await approveWorkflowVersion(input);
  return cardForVersion({ userId: input.userId, workflow, version });
}

/**
 * The workflows the plan's workflow.run steps name must still be there (and one each) when it is
 * approved: a 409 that says which step and why, shown on the card.
 */
async function requireWorkflowRefs({
  userId,
  workflowId,
  pending,
}: {
  userId: string;
  workflowId: string;
  pending: { version: { plan: unknown } };
}) {
  const read = readStoredPlan(pending.version.plan);
  if (!read.ok) return;
  const refs = await resolveWorkflowRefs({ userId, plan: read.plan, selfId: workflowId });
  if (refs.errors.length === 0) return;
  throw new AppError(
    "conflict:workflow",
    `This plan cannot be approved: ${refs.errors.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}.`,
    { errors: refs.errors },
  );
}

/** Rejects a draft; whatever version was active stays active. */
export async function rejectPlanVersion(input: {
  userId: string;
  workflowId: string;
  versionId: string;
}): Promise<PlanCardData> {
  const { workflow, version } = await rejectWorkflowVersion(input);
  return cardForVersion({ userId: input.userId, workflow, version });
}

export class PlanInvalidError extends AppError {
  constructor(readonly errors: PlanIssue[]) {
    super("bad_request:workflow", "The plan has errors; fix them before saving.", { errors });
    this.name = "PlanInvalidError";
  }
}

/**
 * Saves the person's edit of the newest version as the next version (author "person"), and
 * posts it into the workflow's thread as a `data-plan` message so a reload shows its card.
 */
export async function savePersonEdit({
  userId,
  workflowId,
  baseVersionId,
  plan,
  note,
}: {
  userId: string;
  workflowId: string;
  /** The version the person edited: must still be the newest one. */
  baseVersionId: string;
  plan: unknown;
  note?: string;
}): Promise<{ card: PlanCardData; message: ChatMessage | null }> {
  const latest = await getLatestVersion({ workflowId, userId });
  if (!latest) throw notFound();
  if (latest.id !== baseVersionId) {
    throw new AppError(
      "conflict:workflow",
      `Version ${latest.number} was saved since you started editing; edit that one instead.`,
    );
  }
  const check = validatePlan(plan, { catalog: actionRegistry });
  if (!check.ok) throw new PlanInvalidError(check.errors);
  // A workflow.run step may name its workflow; the version stores its id.
  const refs = await resolveWorkflowRefs({ userId, plan: check.plan, selfId: workflowId });
  if (refs.errors.length > 0) throw new PlanInvalidError(refs.errors);
  const edited = refs.plan;
  if (changesSince({ before: latest, after: edited }).unchanged) {
    throw new AppError("bad_request:workflow", "Nothing changed: edit the plan before saving.");
  }
  const { workflow, version } = await addWorkflowVersion({
    userId,
    workflowId,
    title: edited.title,
    plan: edited,
    author: "person",
    note: note?.trim() || null,
  });
  let message: ChatMessage | null = null;
  if (workflow.threadId) {
    message = {
      id: crypto.randomUUID(),
      role: "assistant",
      parts: [
        {
          type: "data-plan",
          data: { workflowId, versionId: version.id, version: version.number, author: "person" },
        },
      ],
      metadata: { createdAt: new Date().toISOString() },
    };
    await saveMessages({
      threadId: workflow.threadId,
      items: [
        { id: message.id, role: "assistant", parts: message.parts, metadata: message.metadata },
      ],
    });
    await touchThread({ id: workflow.threadId });
  }
  return { card: await cardForVersion({ userId, workflow, version }), message };
}
