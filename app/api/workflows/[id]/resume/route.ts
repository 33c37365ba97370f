// POST /api/workflows/:id/resume { backfill?: boolean } → 200 { workflow: { id, status,
// pausedAt, resumedAt }, backfilled?: number }: the workflow's triggers start runs again. What
// its schedule missed while paused starts only with `backfill: true` (the latest 100 fire
// times; `backfilled` says how many). 409 when it is not paused.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { pauseStateOf, resumeWorkflow } from "@/lib/workflows/pause";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

const MAX_RESUME_BODY_BYTES = 1024;
const bodySchema = z.strictObject({ backfill: z.boolean().optional() });

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const parsed = bodySchema.safeParse(
      (await readJsonBody(request, {
        surface: "workflow",
        limit: MAX_RESUME_BODY_BYTES,
        optional: true,
      })) ?? {},
    );
    if (!parsed.success) {
      throw new AppError("bad_request:workflow", 'Send { "backfill"?: true | false }.');
    }
    const { workflow, backfilled } = await resumeWorkflow({ userId, workflowId, ...parsed.data });
    return Response.json({
      workflow: pauseStateOf(workflow),
      ...(backfilled !== undefined ? { backfilled } : {}),
    });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
