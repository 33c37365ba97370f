// GET /api/workflows/:id/runs → { runs }: the workflow's run history, newest first.
// POST /api/workflows/:id/runs { inputs?, threadId? } → 201 { run, message? }: runs the approved
// version now; `message` is the live run card posted into the thread.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { startRunInThread } from "@/lib/runs/start-run";
import { listWorkflowRuns } from "@/lib/runs/view";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

const startSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).optional(),
  threadId: z.uuid().optional(),
});

export async function GET(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const limit = Number(new URL(request.url).searchParams.get("limit") ?? 50);
    const runs = await listWorkflowRuns({
      userId,
      workflowId,
      limit: Number.isFinite(limit) ? Math.min(Math.max(limit, 1), 200) : 50,
    });
    return Response.json({ runs });
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
