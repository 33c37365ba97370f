// POST /api/runs/:id/waits/:stepId { approved?, comment? } → { accepted, duplicate }: the
// owner answers a wait.approval step from the chat (or ends any wait of the run early).
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { answerApproval } from "@/lib/runs/control";
import { type RunRouteContext, runTarget } from "../../../params";

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  approved: z.boolean().default(true),
  comment: z.string().max(2000).optional(),
});

export async function POST(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId, stepId } = await runTarget(context);
    const parsed = bodySchema.safeParse(await request.json().catch(() => ({})));
    if (!parsed.success) throw new AppError("bad_request:run", "Send { approved, comment? }.");
    return Response.json(await answerApproval({ userId, runId, stepId, ...parsed.data }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
