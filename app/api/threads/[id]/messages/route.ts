// GET /api/threads/:id/messages → { messages }: the thread's stored messages, so the chat can
// pick up what workflow runs posted into it while it was open. Another user's thread is a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { settleReply } from "@/lib/ai/in-flight";
import { getMessages, getThread } from "@/lib/db/queries";
import { AppError, toErrorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const userId = await requireUserId();
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found:thread");
    if (!(await getThread({ id, userId }))) throw new AppError("not_found:thread");
    // A reply cut off by this very reload (or still streaming) is stored first, then read.
    await settleReply(id, 5000);
    const rows = await getMessages({ threadId: id });
    return Response.json({
      messages: rows.map((row) => ({
        id: row.id,
        role: row.role,
        parts: row.parts,
        metadata: row.metadata ?? undefined,
      })),
    });
  } catch (error) {
    return toErrorResponse(error, "thread");
  }
}
