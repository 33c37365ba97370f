// What the thread page renders, read once: the thread, its newest messages (older ones page in
// as the person scrolls up, GET /api/threads/:id/messages?before=) and the state of the plan
// cards among them. The benchmark `thread_page_ms` measures exactly this function.
import "server-only";
import type { ChatMessage } from "@/lib/ai/types";
import { getThread } from "@/lib/db/queries";
import type { Message } from "@/lib/db/schema";
import { getThreadPage, THREAD_PAGE_SIZE, type ThreadCursor } from "@/lib/db/thread-page-queries";
import { loadPlanCards, planVersionIds } from "@/lib/workflows/plan-card";

export function toChatMessage(row: Message): ChatMessage {
  return {
    id: row.id,
    role: row.role,
    parts: row.parts as ChatMessage["parts"],
    metadata: (row.metadata ?? undefined) as ChatMessage["metadata"],
  };
}

/** A page of the person's thread as chat messages; undefined when the thread is not theirs. */
export async function loadThreadMessages({
  userId,
  threadId,
  before,
  limit = THREAD_PAGE_SIZE,
}: {
  userId: string;
  threadId: string;
  before?: ThreadCursor;
  limit?: number;
}) {
  const thread = await getThread({ id: threadId, userId });
  if (!thread) return undefined;
  const page = await getThreadPage({ threadId, before, limit });
  return { thread, messages: page.rows.map(toChatMessage), before: page.before };
}

/** Everything the thread page needs to render; undefined when the thread is not the person's. */
export async function loadThreadPageData({
  userId,
  threadId,
  limit = THREAD_PAGE_SIZE,
}: {
  userId: string;
  threadId: string;
  limit?: number;
}) {
  const page = await loadThreadMessages({ userId, threadId, limit });
  if (!page) return undefined;
  // The cards' current state (approved, rejected, superseded) comes with the page, so a reload
  // shows it at once and exactly as stored.
  const planCards = await loadPlanCards({ userId, versionIds: planVersionIds(page.messages) });
  return { ...page, planCards };
}
