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

/**
 * Changes the data of a workflow message's one data part, creating the message first when it
 * does not exist yet: insert-if-missing, lock, read, write, in one transaction, so concurrent
 * runs adding to the same message never lose each other's changes.
 */
export async function updateWorkflowMessageData<T>({
  userId,
  threadId,
  messageId,
  partType,
  initial,
  update,
  metadata,
}: {
  userId: string;
  threadId: string;
  messageId: string;
  partType: `data-${string}`;
  initial: T;
  update: (data: T) => T;
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
        parts: [{ type: partType, id: messageId, data: initial }],
        metadata: { createdAt: now.toISOString(), ...metadata, postedBy: "workflow" },
        createdAt: now,
      })
      .onConflictDoNothing({ target: messages.id })
      .returning({ id: messages.id });
    const [row] = await tx
      .select({ parts: messages.parts })
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.threadId, threadId)))
      .for("update");
    if (!row) throw new AppError("not_found:thread");
    const parts = row.parts as { type: string; id?: string; data?: unknown }[];
    const index = parts.findIndex((part) => part.type === partType);
    const current = (index === -1 ? initial : parts[index].data) as T;
    const next = [...parts];
    next[index === -1 ? next.length : index] = {
      type: partType,
      id: messageId,
      data: update(current),
    };
    await tx.update(messages).set({ parts: next }).where(eq(messages.id, messageId));
    await tx.update(threads).set({ updatedAt: now }).where(eq(threads.id, threadId));
    return { messageId, created: inserted.length > 0 };
  });
}
