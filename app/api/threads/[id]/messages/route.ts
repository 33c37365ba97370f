// GET /api/threads/:id/messages?before=<cursor>&limit=<1..200> → { messages, before }: a page of
// the thread's stored messages, oldest first, newest page when `before` is absent; `before` in
// the answer is the cursor of the page before it (null at the thread's start). The open chat
// pages older messages in on scroll and picks up what runs posted. Another user's thread is a
// 404, a malformed cursor or limit a 400.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { settleReply } from "@/lib/ai/in-flight";
import { getThread } from "@/lib/db/queries";
import {
  decodeThreadCursor,
  MAX_THREAD_PAGE_SIZE,
  THREAD_PAGE_SIZE,
} from "@/lib/db/thread-page-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { loadThreadMessages } from "@/lib/threads/thread-page";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  before: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_THREAD_PAGE_SIZE).default(THREAD_PAGE_SIZE),
});

export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const userId = await requireUserId();
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found:thread");
    const search = new URL(request.url).searchParams;
    const query = querySchema.safeParse({
      before: search.get("before") ?? undefined,
      limit: search.get("limit") ?? undefined,
    });
    if (!query.success) {
      throw new AppError(
        "bad_request:thread",
        `Send ?before=<cursor>&limit=<1 to ${MAX_THREAD_PAGE_SIZE}>.`,
      );
    }
    const before = query.data.before ? decodeThreadCursor(query.data.before) : undefined;
    if (!(await getThread({ id, userId }))) throw new AppError("not_found:thread");
    // A reply cut off by a reload (or still streaming) is stored first, then read.
    if (!before) await settleReply(id, 5000);
    const page = await loadThreadMessages({
      userId,
      threadId: id,
      before,
      limit: query.data.limit,
    });
    if (!page) throw new AppError("not_found:thread");
    return Response.json({ messages: page.messages, before: page.before });
  } catch (error) {
    return toErrorResponse(error, "thread");
  }
}
