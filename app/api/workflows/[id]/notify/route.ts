// PUT /api/workflows/:id/notify { notify: "always" | "failures" } → { notify }: what the
// workflow's scheduled and event-triggered runs add to its thread (lib/runs/notify.ts).
import { z } from "zod";
import { setWorkflowNotify } from "@/lib/db/workflow-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { NOTIFY_POLICIES } from "@/lib/runs/notify";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

const MAX_NOTIFY_BODY_BYTES = 1024;
const bodySchema = z.strictObject({ notify: z.enum(NOTIFY_POLICIES) });

export async function PUT(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const parsed = bodySchema.safeParse(
      await readJsonBody(request, { surface: "workflow", limit: MAX_NOTIFY_BODY_BYTES }),
    );
    if (!parsed.success) {
      throw new AppError("bad_request:workflow", 'Send { "notify": "always" | "failures" }.');
    }
    const workflow = await setWorkflowNotify({ id: workflowId, userId, ...parsed.data });
    if (!workflow) {
      throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
    }
    return Response.json({ notify: workflow.notify });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
