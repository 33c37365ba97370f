// POST /api/runs/:id/waits/:stepId { approved, comment? } → { accepted: true, duplicate: false,
// decidedAt }: the owner answers a wait.approval step from the thread's run card (or ends any
// wait of the run early). Single use, like the resume link: once decided, expired, or the run
// over → 409 with `error.details.state` (decided, expired, cancelled, finished, skipped).
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { answerApproval } from "@/lib/runs/control";
import { type RunRouteContext, runTarget } from "../../../params";

export const dynamic = "force-dynamic";

/** A decision and a comment of at most 2,000 characters fit with room to spare. */
const MAX_DECISION_BYTES = 16 * 1024;

// The decision is explicit: an empty or malformed body decides nothing.
const bodySchema = z.object({
  approved: z.boolean(),
  comment: z.string().max(2000).optional(),
});

export async function POST(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId, stepId } = await runTarget(context);
    const parsed = bodySchema.safeParse(
      await readJsonBody(request, { surface: "run", limit: MAX_DECISION_BYTES }),
    );
    if (!parsed.success) {
      throw new AppError("bad_request:run", "Send { approved: true | false, comment? }.");
    }
    return Response.json(await answerApproval({ userId, runId, stepId, ...parsed.data }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
