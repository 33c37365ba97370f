// GET /api/runs/:id/events: the run's log as Server-Sent Events (`event: run-event`, id = seq),
// live through LISTEN/NOTIFY; resumes after `Last-Event-ID` (or `?after=<seq>`) and ends with
// `event: end` once the run has finished.
import { toErrorResponse } from "@/lib/errors";
import { runEventStream } from "@/lib/runs/live";
import { getOwnedRun } from "@/lib/runs/view";
import { type RunRouteContext, runTarget } from "../../params";

export const dynamic = "force-dynamic";

function afterSeq(request: Request): number {
  const raw =
    request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export async function GET(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    await getOwnedRun({ userId, runId });
    const stream = runEventStream({ runId, afterSeq: afterSeq(request), signal: request.signal });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
