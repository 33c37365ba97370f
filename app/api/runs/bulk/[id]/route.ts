// GET /api/runs/bulk/:id → 200 { bulkAction: { id, kind, status, total, done, failed,
// createdAt, finishedAt, error } }: a bulk action's progress (lib/runs/bulk.ts), its owner's
// only; anyone else's (or a malformed id) is a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { getBulkAction } from "@/lib/db/bulk-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { bulkProgressOf } from "@/lib/runs/bulk";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const notFound = () =>
  new AppError("not_found:run", "This bulk action does not exist or is not yours.");

export async function GET(_request: Request, context: Context) {
  try {
    const userId = await requireUserId();
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw notFound();
    const action = await getBulkAction({ id, userId });
    if (!action) throw notFound();
    return Response.json({ bulkAction: bulkProgressOf(action) });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
