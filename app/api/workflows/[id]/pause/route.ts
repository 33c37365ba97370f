// POST /api/workflows/:id/pause → 200 { workflow: { id, status, pausedAt, resumedAt } }: the
// workflow's schedule and event triggers stop starting runs and its webhook answers 409 until
// it is resumed (lib/workflows/pause.ts). 409 when it is not active.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { pauseStateOf, pauseWorkflow } from "@/lib/workflows/pause";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

/** The pause takes no options: no body or `{}`; anything else is a 400, anything large a 413. */
const MAX_PAUSE_BODY_BYTES = 1024;
const bodySchema = z.strictObject({});

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const body = await readJsonBody(request, {
      surface: "workflow",
      limit: MAX_PAUSE_BODY_BYTES,
      optional: true,
    });
    if (!bodySchema.safeParse(body ?? {}).success) {
      throw new AppError("bad_request:workflow", "Pausing takes no options: send no body or {}.");
    }
    const workflow = await pauseWorkflow({ userId, workflowId });
    return Response.json({ workflow: pauseStateOf(workflow) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
