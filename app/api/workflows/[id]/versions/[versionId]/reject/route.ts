// Reject a draft version; whatever version was active stays active (none for a new workflow).

import { toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { rejectPlanVersion } from "@/lib/workflows/versions";
import { type WorkflowRouteContext, workflowTarget } from "../../../../params";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId, versionId } = await workflowTarget(context);
    // No body is needed; one that is there must be JSON, or nothing is decided.
    await readJsonBody(request, { surface: "workflow", optional: true });
    return Response.json({ card: await rejectPlanVersion({ userId, workflowId, versionId }) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
