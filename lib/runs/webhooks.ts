// Webhook triggers: each approved webhook workflow has a URL `<app>/api/hooks/<token>`, the
// token an HMAC of the workflow id under a server secret (nothing stored, unguessable without
// the secret, shown on the plan card). A request to it starts a run with the request in scope.
import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { inngest as appClient, runRequested } from "@/inngest/client";
import { createRun } from "@/lib/db/run-queries";
import { getWorkflowForTrigger } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { PlanSchema } from "@/lib/plan/schema";
import { appBaseUrl, resumeSecret } from "./resume";
import { postRunCard } from "./thread-messages";

type Sender = Pick<typeof appClient, "send">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Headers a webhook run may see: never the caller's credentials. */
const HIDDEN_HEADERS = new Set(["authorization", "cookie", "proxy-authorization", "x-api-key"]);
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

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

/** What of an HTTP request a webhook run gets as `trigger`. */
export async function readWebhookRequest(request: Request): Promise<WebhookRequest> {
  const raw = await request.text();
  if (raw.length > MAX_WEBHOOK_BODY_BYTES) {
    throw new AppError("bad_request:run", "The request body is too large for a webhook.");
  }
  let body: unknown = raw.length > 0 ? raw : null;
  if (raw && (request.headers.get("content-type") ?? "").includes("json")) {
    try {
      body = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request:run", "The request says it is JSON but is not.");
    }
  }
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

/** Starts a run of the webhook workflow a token names. */
export async function startWebhookRun(
  token: string,
  received: WebhookRequest,
  client: Sender = appClient,
) {
  const notFound = new AppError("not_found:workflow", "No workflow listens at this address.");
  const workflowId = verifyWebhookToken(token);
  if (!workflowId) throw notFound;
  const found = await getWorkflowForTrigger({ id: workflowId });
  const plan = PlanSchema.safeParse(found?.version?.plan);
  if (!found?.version || !plan.success || plan.data.trigger.type !== "webhook") throw notFound;
  if (found.workflow.status !== "active") {
    throw new AppError("conflict:workflow", "This workflow is paused or not approved yet.");
  }
  const run = await createRun({
    id: randomUUID(),
    workflowId,
    versionId: found.version.id,
    userId: found.workflow.userId,
    threadId: found.workflow.threadId,
    trigger: { type: "webhook", ...received },
  });
  await postRunCard({ run, title: found.workflow.title }).catch((error) =>
    logError("[runs] could not post the run card", error),
  );
  await client.send(
    runRequested.create(
      {
        runId: run.id,
        userId: run.userId,
        workflowId,
        versionId: run.versionId,
        depth: 0,
      },
      { id: `run-${run.id}` },
    ),
  );
  return run;
}
