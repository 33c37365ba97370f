// POST /api/runs/bulk { action: "cancel" | "rerun", filter, dryRun?, from?, version? }: a bulk
// action on the caller's runs (lib/runs/bulk.ts). `filter` = { workflowId?, status?: [...],
// from?: ISO, to?: ISO, failedStep? } (statuses default to the active ones for a cancel and
// "failed" for a re-run). dryRun → 200 { count }; otherwise → 202 { bulkAction: { id, kind,
// status, total, done, failed, … } }, worked through by a durable job: follow it with
// GET /api/runs/bulk/:id. A re-run starts `from` "failed" (default) | "start" | a step id, on
// the `version` "pinned" (default) | "latest". Rate-limited per person (`bulk`).
// (A static segment: Next matches `bulk` before the dynamic /api/runs/[id].)
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { enforceLimit } from "@/lib/rate-limit";
import {
  BULK_KINDS,
  bulkFilterSchema,
  bulkProgressOf,
  countBulk,
  createBulkAction,
  RERUN_VERSIONS,
} from "@/lib/runs/bulk";

export const dynamic = "force-dynamic";

const MAX_BULK_BODY_BYTES = 4 * 1024;
const bodySchema = z.strictObject({
  action: z.enum(BULK_KINDS),
  filter: bulkFilterSchema,
  dryRun: z.boolean().optional(),
  from: z.string().min(1).max(64).optional(),
  version: z.enum(RERUN_VERSIONS).optional(),
});

export async function POST(request: Request) {
  try {
    const userId = await requireUserId();
    const json = await readJsonBody(request, { surface: "run", limit: MAX_BULK_BODY_BYTES });
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError(
        "bad_request:run",
        'Send { "action": "cancel" | "rerun", "filter": { "workflowId"?, "status"?: [...], "from"?, "to"?, "failedStep"? }, "dryRun"?: true }.',
        {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      );
    }
    const { action: kind, filter, dryRun, from, version } = parsed.data;
    if (kind === "cancel" && (from !== undefined || version !== undefined)) {
      throw new AppError("bad_request:run", '"from" and "version" are for a re-run only.');
    }
    await enforceLimit("bulk", userId);
    if (dryRun) {
      return Response.json({ count: await countBulk({ userId, kind, filter }) });
    }
    const action = await createBulkAction({
      userId,
      kind,
      filter,
      options:
        kind === "rerun" ? { from: from ?? "failed", version: version ?? "pinned" } : undefined,
    });
    return Response.json({ bulkAction: bulkProgressOf(action) }, { status: 202 });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
