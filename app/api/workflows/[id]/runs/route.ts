// GET /api/workflows/:id/runs?status=&trigger=&from=&to=&cursor=&limit= → { runs, nextCursor }:
// the workflow's run history, newest first, a page at a time through all of it (pass
// `nextCursor` back as `cursor`; null on the last page). Each row is a HistoryRow
// (lib/workflows/history-types.ts): id, status, createdAt, startedAt and finishedAt as before,
// `trigger` the kind (manual / chat / schedule / webhook / event; a re-run keeps its source's),
// `rerunOfId` the run a re-run re-ran (else null) and `error` the message (the full run record
// is GET /api/runs/:id).
// POST /api/workflows/:id/runs { inputs?, threadId? } → 201 { run, message? }: runs the approved
// version now; `message` is the live run card posted into the thread.
import { z } from "zod";
import { listRunHistory } from "@/lib/db/history-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { startRunInThread } from "@/lib/runs/start-run";
import { type WorkflowRouteContext, workflowTarget } from "../../params";
import { parseHistoryQuery } from "./history-query";

export const dynamic = "force-dynamic";

const startSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).optional(),
  threadId: z.uuid().optional(),
});

export async function GET(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const query = parseHistoryQuery(new URL(request.url));
    const page = await listRunHistory({ userId, workflowId, ...query });
    return Response.json(page);
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const parsed = startSchema.safeParse(
      (await readJsonBody(request, { surface: "run", optional: true })) ?? {},
    );
    if (!parsed.success) throw new AppError("bad_request:run", "Send { inputs?: { … } }.");
    const { run, message } = await startRunInThread({ userId, workflowId, ...parsed.data });
    return Response.json({ run, message }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
