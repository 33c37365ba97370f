// GET /api/runs/:id/rerun?from=&version= → RerunPreview (lib/runs/rerun-plan.ts): what a re-run
// of the caller's ended run would reuse and run again, with the side effects that would happen
// again; nothing is started.
// POST /api/runs/:id/rerun { from?: "failed" | "start" | <stepId> (default "failed"),
// version?: "pinned" | "latest" (default "pinned"), inputs?: { … } } → 201 { run, preview,
// message? }: starts the re-run; `message` is its live card posted into the thread.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { StepIdSchema } from "@/lib/plan/schema";
import { enforceLimit } from "@/lib/rate-limit";
import { previewRerun, startRerunInThread } from "@/lib/runs/rerun";
import { type RunRouteContext, runTarget } from "../../params";

export const dynamic = "force-dynamic";

const fromSchema = z.union([z.literal("failed"), z.literal("start"), StepIdSchema]);
const versionSchema = z.enum(["pinned", "latest"]);

const querySchema = z.object({
  from: fromSchema.default("failed"),
  version: versionSchema.default("pinned"),
});

const bodySchema = z.strictObject({
  from: fromSchema.optional(),
  version: versionSchema.optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

/** The inputs' cap plus room for the rest of the body. */
const BODY_LIMIT = MAX_RUN_INPUT_BYTES + 1024;

const usage =
  'Send { from?: "failed" | "start" | "<step id>", version?: "pinned" | "latest", inputs?: { … } }.';

export async function GET(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    const params = new URL(request.url).searchParams;
    const query = querySchema.safeParse({
      from: params.get("from") ?? undefined,
      version: params.get("version") ?? undefined,
    });
    if (!query.success) {
      throw new AppError(
        "bad_request:run",
        "Ask with ?from=failed|start|<step id>&version=pinned|latest.",
      );
    }
    return Response.json(await previewRerun({ userId, runId, ...query.data }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}

export async function POST(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId } = await runTarget(context);
    await enforceLimit("rerun", userId);
    const body = await readJsonBody(request, { surface: "run", optional: true, limit: BODY_LIMIT });
    const parsed = bodySchema.safeParse(body ?? {});
    if (!parsed.success) throw new AppError("bad_request:run", usage);
    const { run, preview, message } = await startRerunInThread({ userId, runId, ...parsed.data });
    return Response.json({ run, preview, ...(message ? { message } : {}) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
