// The plan card's server side: builds the card's data from the stored version (so a reload
// shows the current state, not what the tool returned when it ran) and carries out the
// person's decisions: approve, reject, and save an edit as a new version.
import "server-only";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { saveMessages, touchThread } from "@/lib/db/queries";
import type { Workflow, WorkflowVersion } from "@/lib/db/schema";
import {
  addWorkflowVersion,
  approveWorkflowVersion,
  getLatestVersion,
  getPreviousVersion,
  getWorkflowVersion,
  getWorkflowVersions,
  rejectWorkflowVersion,
} from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import {
  allSteps,
  describeStep,
  describeTrigger,
  diffPlans,
  nextFireTimes,
  type Plan,
  type PlanIssue,
  PlanSchema,
  type PlanStep,
  planTimeZone,
  renderPlanDiff,
  StepSchema,
  validatePlan,
} from "@/lib/plan";
import { webhookUrl } from "@/lib/runs/webhooks";
import { requirePlanSecrets } from "@/lib/secrets/plan-secrets";
import type { CardAction, PlanCardData } from "./planner-card-types";
import { type ChatMessage, planDataSchema } from "./types";

/** How many upcoming fire times a schedule's card shows. */
const NEXT_RUNS = 3;

function formatInZone(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

/** Orders an object's keys as `order` lists them, unknown keys after, in their own order. */
function ordered<T extends object>(value: T, order: readonly string[]): T {
  const entries = Object.entries(value);
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))) as T;
}

const PLAN_KEYS = Object.keys(PlanSchema.shape);
const STEP_KEYS = Object.keys(StepSchema.shape);
const TRIGGER_KEYS = ["type", "cron", "timezone", "event", "if", "description", "inputs"];

/**
 * The plan with its keys in the language's own order (version, title, …, steps; id, action,
 * after, …). PostgreSQL's jsonb stores keys in its own order, which reads badly in the editor.
 */
export function inDisplayOrder(plan: Plan): Plan {
  const step = (s: PlanStep) => ordered(s, STEP_KEYS);
  return ordered(
    {
      ...plan,
      trigger: ordered(plan.trigger, TRIGGER_KEYS),
      steps: plan.steps.map(step),
      ...(plan.onFailure ? { onFailure: plan.onFailure.map(step) } : {}),
    },
    PLAN_KEYS,
  );
}

function displayable(plan: Plan): Plan {
  try {
    return inDisplayOrder(plan);
  } catch {
    return plan;
  }
}

/** The trigger of a stored plan in plain words, tolerant of plans saved under older rules. */
export function triggerInWords(plan: unknown): string {
  try {
    return describeTrigger((plan as Plan).trigger);
  } catch {
    return "Unknown trigger";
  }
}

/** The card for one stored version; `previous` is the version numbered just below it. */
export function buildPlanCard({
  workflow,
  version,
  latestNumber,
  previous,
  now = new Date(),
}: {
  workflow: Workflow;
  version: WorkflowVersion;
  latestNumber: number;
  previous?: WorkflowVersion;
  now?: Date;
}): PlanCardData {
  const plan = displayable(version.plan as Plan);
  // Validation rules may have grown since the plan was saved: show what they say now.
  const check = validatePlan(plan, { catalog: actionRegistry });
  const warnings: PlanIssue[] = check.ok ? check.warnings : [...check.errors, ...check.warnings];
  const zone = safeZone(planTimeZone(plan));
  const trigger = triggerInWords(plan);
  const decidedAt = version.approvedAt ?? version.rejectedAt;
  const actions: Record<string, CardAction> = {};
  const phrases: Record<string, string> = {};
  for (const step of allSteps(plan)) {
    phrases[step.id] ??= describeStep(step, { catalog: actionRegistry });
    const action = actionRegistry.get(step.action);
    if (action) {
      actions[step.action] = {
        title: action.title,
        kind: action.kind,
        sideEffects: action.sideEffects,
      };
    }
  }
  return {
    workflow: {
      id: workflow.id,
      title: workflow.title,
      status: workflow.status,
      activeVersionId: workflow.activeVersionId,
      threadId: workflow.threadId,
    },
    version: {
      id: version.id,
      number: version.number,
      state: version.state,
      author: version.author,
      note: version.note,
      createdAt: version.createdAt.toISOString(),
      approvedAt: version.approvedAt?.toISOString() ?? null,
      rejectedAt: version.rejectedAt?.toISOString() ?? null,
      decidedLabel: decidedAt ? `${formatInZone(decidedAt, zone)} (${zone})` : null,
    },
    isLatest: version.number === latestNumber,
    latestNumber,
    plan,
    trigger,
    timezone: zone,
    nextRuns: nextFireTimes(plan.trigger, NEXT_RUNS, now).map((at) => ({
      at: at.toISOString(),
      label: formatInZone(at, zone),
    })),
    ...(plan.trigger.type === "webhook" && workflow.activeVersionId === version.id
      ? { webhookUrl: webhookUrl(workflow.id) }
      : {}),
    warnings,
    phrases,
    actions,
    diff: previous
      ? {
          against: previous.number,
          lines: renderPlanDiff(diffPlans(previous.plan as Plan, plan)),
        }
      : null,
  };
}

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

async function cardFor(userId: string, workflow: Workflow, version: WorkflowVersion) {
  const [latest, previous] = await Promise.all([
    getLatestVersion({ workflowId: workflow.id, userId }),
    version.number > 1
      ? getPreviousVersion({ workflowId: workflow.id, number: version.number, userId })
      : undefined,
  ]);
  return buildPlanCard({
    workflow,
    version,
    latestNumber: latest?.number ?? version.number,
    previous,
  });
}

/** The card of one of the caller's versions; `workflowId` must match when given. */
export async function loadPlanCard({
  userId,
  versionId,
  workflowId,
}: {
  userId: string;
  versionId: string;
  workflowId?: string;
}): Promise<PlanCardData> {
  const row = await getWorkflowVersion({ versionId, userId });
  if (!row || (workflowId && row.workflow.id !== workflowId)) throw notFound();
  return cardFor(userId, row.workflow, row.version);
}

/** Cards for every version a thread shows, keyed by version id; others' versions are left out. */
export async function loadPlanCards({
  userId,
  versionIds,
}: {
  userId: string;
  versionIds: string[];
}): Promise<Record<string, PlanCardData>> {
  const unique = [...new Set(versionIds)];
  const rows = await getWorkflowVersions({ versionIds: unique, userId });
  const cards = await Promise.all(
    rows.map(({ workflow, version }) => cardFor(userId, workflow, version)),
  );
  return Object.fromEntries(cards.map((card) => [card.version.id, card]));
}

const versionIdSchema = z.uuid();

/**
 * Version ids the plan cards of these messages point at (tool outputs and `data-plan` parts).
 * Stored JSON is checked first: a malformed id must not break the thread's page.
 */
export function planVersionIds(messages: ChatMessage[]): string[] {
  const ids: string[] = [];
  for (const message of messages) {
    for (const part of message.parts) {
      if (
        (part.type === "tool-proposeWorkflow" || part.type === "tool-reviseWorkflow") &&
        part.state === "output-available" &&
        part.output?.ok
      ) {
        ids.push(part.output.versionId);
      }
      if (part.type === "data-plan") {
        const data = planDataSchema.safeParse(part.data);
        if (data.success) ids.push(data.data.versionId);
      }
    }
  }
  return ids.filter((id) => versionIdSchema.safeParse(id).success);
}

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
  }
  const { workflow, version } = await approveWorkflowVersion(input);
  return cardFor(input.userId, workflow, version);
}

export async function rejectPlanVersion(input: {
  userId: string;
  workflowId: string;
  versionId: string;
}): Promise<PlanCardData> {
  const { workflow, version } = await rejectWorkflowVersion(input);
  return cardFor(input.userId, workflow, version);
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
  if (diffPlans(latest.plan as Plan, check.plan).unchanged) {
    throw new AppError("bad_request:workflow", "Nothing changed: edit the plan before saving.");
  }
  const { workflow, version } = await addWorkflowVersion({
    userId,
    workflowId,
    title: check.plan.title,
    plan: check.plan,
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
  return { card: await cardFor(userId, workflow, version), message };
}
