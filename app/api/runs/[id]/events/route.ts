// GET /api/runs/:id/events: the run's changes as Server-Sent Events, live through
// LISTEN/NOTIFY: `event: run-event` (id = seq) with the log entry, the run and the step attempts
// it is about; `event: run` when only the run changed; `event: end` once the run has ended.
// Resumes after `Last-Event-ID` (or `?after=<seq>`, the newest entry of the view the caller
// already holds). Frames are typed in lib/runs/wire.ts.
import { toErrorResponse } from "@/lib/errors";
import { enforceLimit } from "@/lib/rate-limit";
import { runEventStream, SSE_HEADERS } from "@/lib/runs/live";
import { getOwnedRun } from "@/lib/runs/view";
import { type RunRouteContext, runTarget } from "../../params";

export const dynamic = "force-dynamic";

function afterSeq(request: Request): number {
  const raw =
    request.headers.get("last-event-id") || new URL(request.url).searchParams.get("after") || "0";
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export async function GET(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    await enforceLimit("live", userId);
    await getOwnedRun({ userId, runId });
    const stream = runEventStream({ runId, afterSeq: afterSeq(request), signal: request.signal });
    return new Response(stream, { headers: SSE_HEADERS });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
