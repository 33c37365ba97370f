// GET /api/threads/:id/events: the open thread's ONE live stream (Server-Sent Events) — every
// run of the thread (its own and its workflows', whoever started them) and every message a
// workflow writes into it. Frames and the cursor are described in lib/runs/thread-wire.ts;
// a reconnect resumes from `Last-Event-ID` (or `?after=<cursor>`, e.g. the thread's
// `live_seq` as the page read it). A malformed cursor is a 400; another person's thread a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { getThreadLiveSeq } from "@/lib/db/live-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { enforceLimit } from "@/lib/rate-limit";
import { SSE_HEADERS } from "@/lib/runs/live";
import { threadEventStream } from "@/lib/runs/thread-live";
import { parseThreadCursor, type ThreadCursor } from "@/lib/runs/thread-wire";

export const dynamic = "force-dynamic";

function cursorOf(request: Request): ThreadCursor | undefined {
  const raw =
    request.headers.get("last-event-id") || new URL(request.url).searchParams.get("after");
  if (!raw) return undefined;
  const cursor = parseThreadCursor(raw);
  if (!cursor) {
    throw new AppError(
      "bad_request:thread",
      "Last-Event-ID (or ?after) must be a cursor this stream sent.",
    );
  }
  return cursor;
}

export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const userId = await requireUserId();
    const { id } = await context.params;
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found:thread");
    const cursor = cursorOf(request);
    await enforceLimit("live", userId);
    if ((await getThreadLiveSeq({ threadId: id, userId })) === undefined) {
      throw new AppError("not_found:thread");
    }
    const stream = threadEventStream({ threadId: id, userId, cursor, signal: request.signal });
    return new Response(stream, { headers: SSE_HEADERS });
  } catch (error) {
    return toErrorResponse(error, "thread");
  }
}
