// Live validation for the plan editor: the same validator and catalog the planner and the
// save route use, so what the editor accepts is exactly what can be saved.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { checkPlanFor } from "@/lib/ai/planner-attempts";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_PLAN_BYTES } from "@/lib/limits";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ plan: z.unknown() });

export async function POST(request: Request) {
  try {
    const userId = await requireUserId();
    const json = await readJsonBody(request, { surface: "workflow", limit: MAX_PLAN_BYTES });
    const body = bodySchema.safeParse(json);
    if (!body.success) throw new AppError("bad_request:workflow", "Send { plan }.");
    // The workflows a workflow.run step names are checked too: the same as saving.
    const result = await checkPlanFor({ userId, plan: body.data.plan });
    return Response.json(
      result.ok
        ? { ok: true, errors: [], warnings: result.warnings }
        : { ok: false, errors: result.errors, warnings: [] },
    );
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
