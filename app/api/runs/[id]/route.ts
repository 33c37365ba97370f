// GET /api/runs/:id → { run, steps, events }: one run of the caller's, with every step
// attempt and its log.
import { toErrorResponse } from "@/lib/errors";
import { getRunView } from "@/lib/runs/view";
import { type RunRouteContext, runTarget } from "../params";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    return Response.json(await getRunView({ userId, runId }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
