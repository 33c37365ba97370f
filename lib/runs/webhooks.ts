// Webhook triggers: each approved webhook workflow has a URL `<app>/api/hooks/<token>`, the
// token an HMAC of the workflow id under a server secret (nothing stored, unguessable without
// the secret, shown on the plan card). A request to it starts a run with the request in scope.
import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { inngest as appClient } from "@/inngest/client";
import type { Workflow, WorkflowVersion } from "@/lib/db/schema";
import { getWorkflowForTrigger } from "@/lib/db/workflow-queries";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseIncomingBody, readBodyBytes } from "@/lib/http/body";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { type DeliveryResult, deliveryRulesOf, startDelivery } from "./deliveries";
import { appBaseUrl, resumeSecret } from "./resume";

type Sender = Pick<typeof appClient, "send">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Headers a webhook run may see: never the caller's credentials. */
const HIDDEN_HEADERS = new Set(["authorization", "cookie", "proxy-authorization", "x-api-key"]);

function mac(secret: string, workflowId: string) {
  return createHmac("sha256", secret)
    .update(`flowchat-webhook:v1:${workflowId}`)
    .digest("base64url");
}

export function webhookToken(workflowId: string, secret = resumeSecret()): string {
  return `${workflowId}.${mac(secret, workflowId)}`;
}

export function webhookUrl(workflowId: string, base = appBaseUrl()): string {
  return `${base.replace(/\/+$/, "")}/api/hooks/${webhookToken(workflowId)}`;
}

/** The workflow a token names, or undefined when it is malformed or forged. */
export function verifyWebhookToken(token: string, secret = resumeSecret()): string | undefined {
  const [workflowId, given, ...rest] = token.split(".");
  if (rest.length > 0 || !workflowId || !given || !UUID.test(workflowId)) return undefined;
  const expected = Buffer.from(mac(secret, workflowId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual)
    ? workflowId
    : undefined;
}

export type WebhookRequest = {
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
};

export type WebhookTarget = {
  workflow: Workflow;
  version: WorkflowVersion;
};

/**
 * The active webhook workflow a token names, found before the request's body is read: a
 * forged token or a workflow that does not listen costs nothing but one HMAC and one lookup.
 */
export async function findWebhookTarget(token: string): Promise<WebhookTarget> {
  const notFound = new AppError("not_found:workflow", "No workflow listens at this address.");
  const workflowId = verifyWebhookToken(token);
  if (!workflowId) throw notFound;
  const found = await getWorkflowForTrigger({ id: workflowId });
  if (!found?.version) throw notFound;
  const read = readStoredPlan(found.version.plan);
  if (!read.ok || read.plan.trigger.type !== "webhook") throw notFound;
  if (found.workflow.status === "paused") {
    throw new AppError(
      "conflict:workflow",
      "This workflow is paused: its webhook starts no runs until the owner resumes it.",
    );
  }
  if (found.workflow.status !== "active") {
    throw new AppError(
      "conflict:workflow",
      found.workflow.status === "archived"
        ? "This workflow is archived: its webhook starts no runs."
        : "This workflow is not approved yet: its webhook starts no runs.",
    );
  }
  return { workflow: found.workflow, version: found.version };
}

/**
 * What of an HTTP request a webhook run gets as `trigger`: JSON bodies parsed, form bodies as
 * an object, other text as a string. The body is read at most `limit` bytes far (413 past
 * it); JSON that cannot be stored and bodies that are not UTF-8 text are a clear 400.
 */
export async function readWebhookRequest(
  request: Request,
  limit = env().MAX_REQUEST_BYTES,
): Promise<WebhookRequest> {
  const bytes = await readBodyBytes(request, { limit, surface: "run" });
  const body = parseIncomingBody(bytes, request.headers.get("content-type"), { surface: "run" });
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!HIDDEN_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  });
  return {
    method: request.method,
    headers,
    query: Object.fromEntries(new URL(request.url).searchParams),
    body,
  };
}

/**
 * Starts a run of a webhook workflow with the request in scope; a delivery the trigger's
 * idempotency key already named (24 h) or one folded into a debounced run starts nothing.
 */
export async function startWebhookRun(
  { workflow, version }: WebhookTarget,
  received: WebhookRequest,
  client: Sender = appClient,
): Promise<DeliveryResult> {
  const read = readStoredPlan(version.plan);
  return startDelivery({
    run: {
      id: randomUUID(),
      workflowId: workflow.id,
      versionId: version.id,
      userId: workflow.userId,
      threadId: workflow.threadId,
      trigger: { type: "webhook", ...received },
    },
    rules: read.ok ? deliveryRulesOf(read.plan) : {},
    title: workflow.title,
    client,
  });
}
