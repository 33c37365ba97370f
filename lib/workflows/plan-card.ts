// The plan card's data, built from the stored version (so a reload shows the current state,
// not what the tool returned when it ran): one card, the cards a thread shows, and which
// versions a thread's messages point at.
import "server-only";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { type ChatMessage, planDataSchema } from "@/lib/ai/types";
import { getUserById } from "@/lib/db/queries";
import { getRunById } from "@/lib/db/run-queries";
import type { Run, Workflow, WorkflowVersion } from "@/lib/db/schema";
import {
  getLatestVersion,
  getPreviousVersion,
  getWorkflowVersion,
  getWorkflowVersions,
  listWorkflowVersions,
} from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import {
  allSteps,
  describeAction,
  explainPlan,
  nextFireTimes,
  type OnceTrigger,
  onceInstant,
  type Plan,
  type PlanIssue,
  planTimeZone,
  validatePlan,
} from "@/lib/plan";
import { EFFECT_LABELS, stepEffect } from "@/lib/plan/effects";
import { describeLimits } from "@/lib/plan/limits";
import { scheduledRunId } from "@/lib/runs/schedules";
import { webhookUrl } from "@/lib/runs/webhooks";
import { inDisplayOrder } from "./display-order";
import { readStoredPlan } from "./pinned-plan";
import type { CardAction, CardEffect, PlanCardData } from "./plan-card-types";
import { triggerInWords } from "./trigger-words";
import { changesSince } from "./version-diff";
import { workflowTitlesOf } from "./workflow-refs";

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

/** What the card says about a plan that reads: steps in words, their actions, next fire times. */
function describePlan(
  plan: Plan,
  zone: string,
  now: Date,
  workflowTitles: Record<string, string>,
  userEmail?: string,
) {
  const actions: Record<string, CardAction> = {};
  const phrases: Record<string, string> = {};
  const effects: Record<string, CardEffect> = {};
  for (const step of allSteps(plan)) {
    const target = (step.input as { workflow?: unknown } | undefined)?.workflow;
    const title =
      step.action === "workflow.run" && typeof target === "string"
        ? workflowTitles[target]
        : undefined;
    // A workflow.run step stores an id: the card names the workflow.
    phrases[step.id] ??= title
      ? `run the workflow ${JSON.stringify(title)}`
      : describeAction(step, { catalog: actionRegistry });
    const effect = stepEffect(step, actionRegistry, { userEmail });
    effects[step.id] ??= {
      class: effect.class,
      kind: effect.kind,
      label: EFFECT_LABELS[effect.class],
      does: effect.note ? `${effect.does} (${effect.note})` : effect.does,
      outside: effect.outside === true,
    };
    const action = actionRegistry.get(step.action);
    if (action) {
      actions[step.action] = {
        title: action.title,
        kind: action.kind,
        sideEffects: action.sideEffects,
      };
    }
  }
  const nextRuns = nextFireTimes(plan.trigger, NEXT_RUNS, now).map((at) => ({
    at: at.toISOString(),
    label: formatInZone(at, zone),
  }));
  return { actions, phrases, effects, nextRuns, explanations: explainPlan(plan) };
}

/**
 * The card for one stored version; `previous` is the version numbered just below it. A plan
 * saved under older rules that no longer reads is still shown as saved (the browser only lays
 * it out and puts it in the editor, where it can be fixed), with today's errors as warnings.
 */
export function buildPlanCard({
  workflow,
  version,
  latestNumber,
  previous,
  now = new Date(),
  workflowTitles = {},
  onceRun,
  fallback,
  userEmail,
}: {
  workflow: Workflow;
  version: WorkflowVersion;
  latestNumber: number;
  previous?: WorkflowVersion;
  now?: Date;
  /** Titles of the workflows its workflow.run steps run, by id. */
  workflowTitles?: Record<string, string>;
  /** For a one-shot trigger: the run its instant started, if there is one. */
  onceRun?: Run;
  /** For a rejected version: the version the workflow fell back to. */
  fallback?: WorkflowVersion;
  /** The person's address: an email to it does not "contact someone outside". */
  userEmail?: string;
}): PlanCardData {
  const read = readStoredPlan(version.plan);
  // Validation rules may have grown since the plan was saved: show what they say now.
  const check = validatePlan(version.plan, {
    catalog: actionRegistry,
    // A one-shot time that passed is only worth a warning while the version awaits a decision.
    ...(version.state === "draft" ? { now } : {}),
  });
  const warnings: PlanIssue[] = check.ok ? check.warnings : [...check.errors, ...check.warnings];
  const zone = read.ok ? safeZone(planTimeZone(read.plan)) : "UTC";
  const described = read.ok
    ? describePlan(read.plan, zone, now, workflowTitles, userEmail)
    : { actions: {}, phrases: {}, effects: {}, nextRuns: [], explanations: {} };
  const changes =
    previous && read.ok
      ? changesSince({ before: previous, after: read.plan }).lines
      : [`~ the whole plan (version ${version.number} does not read under today's rules)`];
  const decidedAt = version.approvedAt ?? version.rejectedAt;
  return {
    workflow: {
      id: workflow.id,
      title: workflow.title,
      status: workflow.status,
      activeVersionId: workflow.activeVersionId,
      threadId: workflow.threadId,
      notify: workflow.notify,
      pausedAt: workflow.pausedAt?.toISOString() ?? null,
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
    ...(version.state === "rejected" &&
    fallback &&
    (fallback.state === "approved" || fallback.state === "draft")
      ? { fallback: { versionId: fallback.id, number: fallback.number, state: fallback.state } }
      : {}),
    isLatest: version.number === latestNumber,
    latestNumber,
    plan: read.ok ? inDisplayOrder(read.plan) : (version.plan as Plan),
    trigger: triggerInWords(version.plan),
    ...(read.ok && describeLimits(read.plan).length > 0
      ? { limits: describeLimits(read.plan) }
      : {}),
    timezone: zone,
    nextRuns: described.nextRuns,
    ...(read.ok && read.plan.trigger.type === "once"
      ? onceState(read.plan.trigger, zone, now, onceRun)
      : {}),
    ...(read.ok && read.plan.trigger.type === "webhook" && workflow.activeVersionId === version.id
      ? { webhookUrl: webhookUrl(workflow.id) }
      : {}),
    warnings,
    phrases: described.phrases,
    explanations: described.explanations,
    actions: described.actions,
    effects: described.effects,
    diff: previous ? { against: previous.number, lines: changes } : null,
  };
}

/** How long after its instant a one-shot run counts as started late. */
const LATE_MS = 2 * 60_000;

/** A one-shot trigger's time and whether it ran (its run), for the card. */
function onceState(
  trigger: OnceTrigger,
  zone: string,
  now: Date,
  run: Run | undefined,
): Pick<PlanCardData, "once"> {
  const at = onceInstant(trigger);
  if (!at) return {};
  const label = formatInZone(at, zone);
  if (run) {
    return {
      once: {
        at: at.toISOString(),
        label,
        state: "ran",
        run: {
          id: run.id,
          status: run.status,
          at: run.createdAt.toISOString(),
          label: formatInZone(run.createdAt, zone),
          late: run.createdAt.getTime() - at.getTime() > LATE_MS,
        },
      },
    };
  }
  return {
    once: {
      at: at.toISOString(),
      label,
      state: at.getTime() > now.getTime() ? "upcoming" : "missed",
    },
  };
}

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

/** The card of a version the caller's query already loaded, with its latest and previous. */
export async function cardForVersion({
  userId,
  workflow,
  version,
  userEmail,
}: {
  userId: string;
  workflow: Workflow;
  version: WorkflowVersion;
  /** Read when not given (several cards at once read it once). */
  userEmail?: string;
}): Promise<PlanCardData> {
  const read = readStoredPlan(version.plan);
  const onceAt =
    read.ok && read.plan.trigger.type === "once" ? onceInstant(read.plan.trigger) : undefined;
  const [latest, previous, workflowTitles, onceRun, fallback, email] = await Promise.all([
    getLatestVersion({ workflowId: workflow.id, userId }),
    version.number > 1
      ? getPreviousVersion({ workflowId: workflow.id, number: version.number, userId })
      : undefined,
    read.ok ? workflowTitlesOf({ userId, plan: read.plan }) : {},
    // The tick gives a one-shot's run an id derived from the workflow and the instant.
    onceAt ? getRunById({ runId: scheduledRunId(workflow.id, onceAt) }) : undefined,
    version.state === "rejected" ? fallbackOf({ userId, workflow }) : undefined,
    userEmail ?? getUserById({ id: userId }).then((user) => user?.email),
  ]);
  return buildPlanCard({
    workflow,
    version,
    latestNumber: latest?.number ?? version.number,
    previous,
    workflowTitles,
    onceRun,
    fallback,
    userEmail: email,
  });
}

/** What a rejected version's workflow fell back to: the version that runs, else a draft. */
async function fallbackOf({ userId, workflow }: { userId: string; workflow: Workflow }) {
  const versions = await listWorkflowVersions({ workflowId: workflow.id, userId });
  return (
    versions.find((v) => v.id === workflow.activeVersionId) ??
    versions.findLast((v) => v.state === "draft")
  );
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
  return cardForVersion({ userId, workflow: row.workflow, version: row.version });
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
  const userEmail = rows.length > 0 ? (await getUserById({ id: userId }))?.email : undefined;
  const cards = await Promise.all(
    rows.map(({ workflow, version }) => cardForVersion({ userId, workflow, version, userEmail })),
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
