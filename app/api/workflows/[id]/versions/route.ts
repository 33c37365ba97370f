// Save the person's edit of a plan as the next version (author "person"). The answer carries
// the new card and the thread message that shows it, so the chat can append it at once.
import { savePersonEdit } from "@/lib/ai/planner-card";
import { AppError, toErrorResponse } from "@/lib/errors";
import { type WorkflowRouteContext, workflowTarget } from "../../params";
import { saveVersionSchema } from "./schema";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 256 * 1024;

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const raw = await request.text();
    if (raw.length > MAX_BODY_BYTES) {
      throw new AppError("bad_request:workflow", "The plan is too large.");
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request:workflow", "The request body must be JSON.");
    }
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
