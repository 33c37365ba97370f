// GET /api/runs/:id → WireRunView { run, steps, events, plan, workflowTitle, children, rerunOf,
// rerunAs, rerun } + { log }
// (lib/runs/wire.ts): one run of the caller's, with every step attempt, its log's newest entries
// and error lines, and the steps of the plan version it pinned; `log` ({ total, olderBefore })
// says where older entries continue (GET /api/runs/:id/log?before=). `rerunOf` / `rerunAs` link
// re-runs both ways; `rerun` says how this one re-runs its source.
import { toErrorResponse } from "@/lib/errors";
import { getRunLinks, getRunPlan, getRunView } from "@/lib/runs/view";
import { toWireRunView } from "@/lib/runs/wire";
import { type RunRouteContext, runTarget } from "../params";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    const records = await getRunView({ userId, runId });
    const [plan, links] = await Promise.all([getRunPlan(records), getRunLinks(records)]);
    return Response.json({ ...toWireRunView({ ...records, ...plan, links }), log: records.log });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
