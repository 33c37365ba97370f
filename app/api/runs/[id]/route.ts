// GET /api/runs/:id → WireRunView { run, steps, events } (lib/runs/wire.ts): one run of the
// caller's, with every step attempt and its log.
import { toErrorResponse } from "@/lib/errors";
import { getRunView } from "@/lib/runs/view";
import { toWireRunView } from "@/lib/runs/wire";
import { type RunRouteContext, runTarget } from "../params";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    return Response.json(toWireRunView(await getRunView({ userId, runId })));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
