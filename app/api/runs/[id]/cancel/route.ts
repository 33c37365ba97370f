// POST /api/runs/:id/cancel → { cancelled, status }: stops the caller's run.
import { toErrorResponse } from "@/lib/errors";
import { cancelRun } from "@/lib/runs/control";
import { type RunRouteContext, runTarget } from "../../params";

export const dynamic = "force-dynamic";

export async function POST(_request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    return Response.json(await cancelRun({ userId, runId }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
