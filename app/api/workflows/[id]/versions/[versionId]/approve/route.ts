// Approve a draft version: it becomes the workflow's active version (the one that runs).
import { approvePlanVersion } from "@/lib/ai/planner-card";
import { toErrorResponse } from "@/lib/errors";
import { type WorkflowRouteContext, workflowTarget } from "../../../../params";

export const dynamic = "force-dynamic";

export async function POST(_request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId, versionId } = await workflowTarget(context);
    return Response.json({ card: await approvePlanVersion({ userId, workflowId, versionId }) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
