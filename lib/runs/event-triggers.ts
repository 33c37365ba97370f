// Event triggers: when an app event happens (today: a run finished), the same person's
// approved workflows whose trigger names that event — and whose `if` holds for it — start.
// One run per (event, workflow), whatever the retries.
import "server-only";
import { inngest as appClient } from "@/inngest/client";
import { listActiveWorkflowVersions } from "@/lib/db/workflow-queries";
import { conditionHolds, planTimeZone } from "@/lib/plan";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { type DeliveryRules, deliveryRulesOf, startDelivery } from "./deliveries";
import { derivedUuid } from "./derived-id";

type Sender = Pick<typeof appClient, "send">;

/** Chains of workflows triggering each other stop here (A ends → B starts → A starts → …). */
export const MAX_EVENT_DEPTH = 5;

export type AppEvent = {
  id: string;
  name: string;
  at: string;
  data: { userId: string; workflowId?: string; depth?: number } & Record<string, unknown>;
};

export type TriggeredRun = {
  runId: string;
  workflowId: string;
  versionId: string;
  userId: string;
  threadId: string | null;
  title: string;
  /** The trigger's idempotency key and debounce (absent in matches memoized before them). */
  rules?: DeliveryRules;
};

function eventRunId(eventId: string, workflowId: string): string {
  return derivedUuid(`${eventId}>${workflowId}`, "b");
}

/** The person's workflows this event starts (never the workflow that sent it). */
export async function matchEventTriggers(event: AppEvent): Promise<TriggeredRun[]> {
  if ((event.data.depth ?? 0) >= MAX_EVENT_DEPTH) return [];
  const matches: TriggeredRun[] = [];
  for (const { workflow, version } of await listActiveWorkflowVersions()) {
    if (workflow.userId !== event.data.userId || workflow.id === event.data.workflowId) continue;
    const read = readStoredPlan(version.plan);
    if (!read.ok) continue;
    const trigger = read.plan.trigger;
    if (trigger.type !== "event" || trigger.event !== event.name) continue;
    if (trigger.if) {
      const scope = { trigger: { name: event.name, data: event.data } };
      const env = { now: event.at, timeZone: planTimeZone(read.plan) };
      if (!(await conditionHolds(trigger.if, scope, env))) continue;
    }
    matches.push({
      runId: eventRunId(event.id, workflow.id),
      workflowId: workflow.id,
      versionId: version.id,
      userId: workflow.userId,
      threadId: workflow.threadId,
      title: workflow.title,
      rules: deliveryRulesOf(read.plan),
    });
  }
  return matches;
}

/**
 * Starts the match's run (one per event and workflow); a delivery its trigger's idempotency
 * key already named, or one a debounced run takes, starts nothing. Answers with the run id.
 */
export async function startTriggeredRun(
  match: TriggeredRun,
  event: AppEvent,
  client: Sender = appClient,
): Promise<string> {
  const result = await startDelivery({
    run: {
      id: match.runId,
      workflowId: match.workflowId,
      versionId: match.versionId,
      userId: match.userId,
      threadId: match.threadId,
      trigger: { type: "event", name: event.name, data: event.data },
    },
    rules: match.rules ?? {},
    title: match.title,
    depth: (event.data.depth ?? 0) + 1,
    client,
  });
  return result.runId;
}
