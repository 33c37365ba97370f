// POST|PUT|GET /api/hooks/:token → 202 { runId }: starts a run of the webhook workflow the
// token names, with the request (method, headers without credentials, query, body) as its
// trigger. A delivery its trigger's idempotency key already named in the last 24 h starts
// nothing: 200 { runId: <the first delivery's run>, duplicate: true }; one a debounced run
// takes: 202 { runId: <that run>, debounced: true }; one a singleton "skip" workflow gets while
// a run is going: 200 { runId: <the run going>, skipped: true }. No session: the unguessable token is the credential, checked (with the workflow
// it names) before a byte of the body is read; the body is capped at MAX_REQUEST_BYTES; each
// workflow takes at most RATE_LIMITS' `webhook` calls a minute (429 + Retry-After beyond).
import { toErrorResponse } from "@/lib/errors";
import { enforceWebhookLimit } from "@/lib/rate-limit";
import { findWebhookTarget, readWebhookRequest, startWebhookRun } from "@/lib/runs/webhooks";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

async function handle(request: Request, context: Context) {
  try {
    const { token } = await context.params;
    const target = await findWebhookTarget(token);
    // Per workflow (its token), before the body is read: a flood is refused cheaply.
    await enforceWebhookLimit(token);
    const result = await startWebhookRun(target, await readWebhookRequest(request));
    if (result.kind === "duplicate") {
      return Response.json({ runId: result.runId, duplicate: true }, { status: 200 });
    }
    if (result.kind === "skipped") {
      return Response.json({ runId: result.runId, skipped: true }, { status: 200 });
    }
    if (result.kind === "debounced") {
      return Response.json({ runId: result.runId, debounced: true }, { status: 202 });
    }
    return Response.json({ runId: result.runId }, { status: 202 });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}

export { handle as GET, handle as POST, handle as PUT };
