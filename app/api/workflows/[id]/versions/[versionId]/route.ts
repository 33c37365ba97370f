// The plan card's data for one version: its current state (approved, rejected, superseded…),
// the plan, the trigger in words, the next fire times and the diff against the version before.

import { toErrorResponse } from "@/lib/errors";
import { loadPlanCard } from "@/lib/workflows/plan-card";
import { type WorkflowRouteContext, workflowTarget } from "../../../params";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId, versionId } = await workflowTarget(context);
    return Response.json({ card: await loadPlanCard({ userId, workflowId, versionId }) });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
