// GET /api/workflows/:id/metrics?window=24h|7d|30d&tz=<IANA zone> → WorkflowMetrics: runs per
// day (in `tz`, else the person's zone, else UTC), success rate, p50/p95, per-step figures,
// failure points and retries over the window (lib/workflows/history-types.ts).
import { z } from "zod";
import { getWorkflowMetrics } from "@/lib/db/history-queries";
import { getUserById } from "@/lib/db/queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { isValidTimeZone } from "@/lib/plan/timezone";
import { METRICS_WINDOWS } from "@/lib/workflows/history-types";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  window: z.enum(METRICS_WINDOWS).default("7d"),
  tz: z.string().max(64).refine(isValidTimeZone).optional(),
});

export async function GET(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      throw new AppError(
        "bad_request:run",
        `Use ?window=${METRICS_WINDOWS.join("|")}&tz=<IANA time zone, e.g. Europe/Paris>.`,
      );
    }
    const stored = parsed.data.tz ? undefined : (await getUserById({ id: userId }))?.timezone;
    const timeZone = parsed.data.tz ?? (stored && isValidTimeZone(stored) ? stored : "UTC");
    const metrics = await getWorkflowMetrics({
      userId,
      workflowId,
      window: parsed.data.window,
      timeZone,
    });
    if (!metrics) {
      throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
    }
    return Response.json(metrics);
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
