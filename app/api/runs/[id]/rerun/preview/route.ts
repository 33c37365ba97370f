// POST /api/runs/:id/rerun/preview { from?, version?, inputs? } → RerunPreview: the preview of a
// re-run with edited inputs (which steps still reuse their output once the trigger changed, and
// whether the inputs fit), for the person to check before confirming. Nothing is started or
// stored. Without edited inputs the browser asks `GET /api/runs/:id/rerun`; a POST here because
// inputs do not belong in a URL (logs, size).
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { StepIdSchema } from "@/lib/plan/schema";
import { previewRerun } from "@/lib/runs/rerun";
import { type RunRouteContext, runTarget } from "../../../params";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({
  from: z.union([z.literal("failed"), z.literal("start"), StepIdSchema]).optional(),
  version: z.enum(["pinned", "latest"]).optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

/** The inputs' cap plus room for the rest of the body. */
const BODY_LIMIT = MAX_RUN_INPUT_BYTES + 1024;

export async function POST(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    const body = await readJsonBody(request, { surface: "run", optional: true, limit: BODY_LIMIT });
    const parsed = bodySchema.safeParse(body ?? {});
    if (!parsed.success) {
      throw new AppError(
        "bad_request:run",
        'Send { from?: "failed" | "start" | "<step id>", version?: "pinned" | "latest", inputs?: { … } }.',
      );
    }
    return Response.json(await previewRerun({ userId, runId, ...parsed.data }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
