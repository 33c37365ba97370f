// Messages that workflows post into their thread (chat.post).
import "server-only";
import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { getDb } from "./index";
import { messages, threads } from "./schema";

/**
 * Appends an assistant message to the owner's thread: one markdown text part, or the given
 * parts. The id is chosen by the caller (stable per run step), so a retried step posts once.
 * `postedBy: "workflow"` marks it as a workflow's words: the model reads it as outside data.
 */
export async function postWorkflowMessage({
  userId,
  threadId,
  messageId,
  text,
  parts,
  metadata,
}: {
  userId: string;
  threadId: string;
  messageId: string;
  text?: string;
  parts?: unknown[];
  metadata?: Record<string, unknown>;
}): Promise<{ messageId: string; created: boolean }> {
  const database = await getDb();
  return database.transaction(async (tx) => {
    const [thread] = await tx
      .select({ id: threads.id })
      .from(threads)
      .where(and(eq(threads.id, threadId), eq(threads.userId, userId)));
    if (!thread) throw new AppError("not_found:thread");
    const now = new Date();
    const inserted = await tx
      .insert(messages)
      .values({
        id: messageId,
        threadId,
        role: "assistant",
        parts: parts ?? [{ type: "text", text: text ?? "" }],
        metadata: { createdAt: now.toISOString(), ...metadata, postedBy: "workflow" },
        createdAt: now,
      })
      .onConflictDoNothing({ target: messages.id })
      .returning({ id: messages.id });
    if (inserted.length > 0) {
      await tx.update(threads).set({ updatedAt: now }).where(eq(threads.id, threadId));
    }
    return { messageId, created: inserted.length > 0 };
  });
}
