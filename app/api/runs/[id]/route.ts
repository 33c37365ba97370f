// GET /api/runs/:id → WireRunView { run, steps, events } (lib/runs/wire.ts) + { log }: one run
// of the caller's, with every step attempt and its log's newest entries and error lines; `log`
// ({ total, olderBefore }) says where older entries continue (GET /api/runs/:id/log?before=).
import { toErrorResponse } from "@/lib/errors";
import { getRunView } from "@/lib/runs/view";
import { toWireRunView } from "@/lib/runs/wire";
import { type RunRouteContext, runTarget } from "../params";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    const records = await getRunView({ userId, runId });
    return Response.json({ ...toWireRunView(records), log: records.log });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
