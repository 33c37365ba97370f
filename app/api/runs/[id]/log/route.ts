// GET /api/runs/:id/log?before=<seq>&limit=<1..1000> → { events, before }: a page of the run's
// log, oldest first, the newest page when `before` is absent; `before` in the answer pages on
// (null at the first entry). Another person's run is a 404; a malformed seq or limit a 400.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { MAX_LOG_PAGE, readRunLogPage } from "@/lib/runs/run-log";
import { getOwnedRun } from "@/lib/runs/view";
import { toWireEvent } from "@/lib/runs/wire";
import { type RunRouteContext, runTarget } from "../../params";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  before: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).default(200),
});

export async function GET(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    const search = new URL(request.url).searchParams;
    const query = querySchema.safeParse({
      before: search.get("before") ?? undefined,
      limit: search.get("limit") ?? undefined,
    });
    if (!query.success) {
      throw new AppError("bad_request:run", `Send ?before=<seq>&limit=<1 to ${MAX_LOG_PAGE}>.`);
    }
    await getOwnedRun({ userId, runId });
    const page = await readRunLogPage({ runId, ...query.data });
    return Response.json({ events: page.events.map(toWireEvent), before: page.before });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
