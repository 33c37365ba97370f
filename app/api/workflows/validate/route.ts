// Live validation for the plan editor: the same validator and catalog the planner and the
// save route use, so what the editor accepts is exactly what can be saved.
import { z } from "zod";
import { currentUserId } from "@/app/(auth)/auth";
import { checkPlan } from "@/lib/ai/planner-attempts";
import { AppError, toErrorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 256 * 1024;
const bodySchema = z.object({ plan: z.unknown() });

export async function POST(request: Request) {
  try {
    if (!(await currentUserId())) throw new AppError("unauthorized:auth");
    const raw = await request.text();
    if (raw.length > MAX_BODY_BYTES) {
      throw new AppError("bad_request:workflow", "The plan is too large.");
    }
    const body = bodySchema.safeParse(JSON.parse(raw || "null"));
    if (!body.success) throw new AppError("bad_request:workflow", "Send { plan }.");
    const result = checkPlan(body.data.plan);
    return Response.json(
      result.ok
        ? { ok: true, errors: [], warnings: result.warnings }
        : { ok: false, errors: result.errors, warnings: [] },
    );
  } catch (error) {
    if (error instanceof SyntaxError) {
      return new AppError("bad_request:workflow", "The request body must be JSON.").toResponse();
    }
    return toErrorResponse(error, "workflow");
  }
}
