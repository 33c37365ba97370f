// Reject a draft version; whatever version was active stays active (none for a new workflow).
import { rejectPlanVersion } from "@/lib/ai/planner-card";
import { toErrorResponse } from "@/lib/errors";
import { type WorkflowRouteContext, workflowTarget } from "../../../../params";

export const dynamic = "force-dynamic";

export async function POST(_request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId, versionId } = await workflowTarget(context);
    return Response.json({ card: await rejectPlanVersion({ userId, workflowId, versionId }) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
