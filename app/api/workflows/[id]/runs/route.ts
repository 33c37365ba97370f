// GET /api/workflows/:id/runs → { runs }: the workflow's run history, newest first.
// POST /api/workflows/:id/runs { inputs? } → 201 { run }: runs the approved version now.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { startRun } from "@/lib/runs/start-run";
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
    const parsed = startSchema.safeParse(await request.json().catch(() => ({})));
    if (!parsed.success) throw new AppError("bad_request:run", "Send { inputs?: { … } }.");
    const run = await startRun({ userId, workflowId, ...parsed.data });
    return Response.json({ run }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
