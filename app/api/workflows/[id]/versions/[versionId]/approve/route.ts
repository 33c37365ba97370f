// Approve a draft version: it becomes the workflow's active version (the one that runs).

import { toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { approvePlanVersion } from "@/lib/workflows/versions";
import { type WorkflowRouteContext, workflowTarget } from "../../../../params";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId, versionId } = await workflowTarget(context);
    // No body is needed; one that is there must be JSON, or nothing is decided.
    await readJsonBody(request, { surface: "workflow", optional: true });
    return Response.json({ card: await approvePlanVersion({ userId, workflowId, versionId }) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
