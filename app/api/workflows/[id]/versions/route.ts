// Save the person's edit of a plan as the next version (author "person"). The answer carries
// the new card and the thread message that shows it, so the chat can append it at once.

import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_PLAN_BYTES } from "@/lib/limits";
import { savePersonEdit } from "@/lib/workflows/versions";
import { type WorkflowRouteContext, workflowTarget } from "../../params";
import { saveVersionSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const json = await readJsonBody(request, { surface: "workflow", limit: MAX_PLAN_BYTES });
    const body = saveVersionSchema.safeParse(json);
    if (!body.success) {
      throw new AppError("bad_request:workflow", body.error.issues[0]?.message ?? "Invalid edit.");
    }
    const saved = await savePersonEdit({ userId, workflowId, ...body.data });
    return Response.json(saved, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
