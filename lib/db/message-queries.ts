// Messages that workflows post into their thread (chat.post, run cards and summaries, webhook
// batches). `postedBy: "workflow"` marks each as a workflow's words: the model reads it as
// outside data, never as the assistant's own. Each write bumps the thread's `live_seq` under its
// row lock, stamps the message with it and notifies `thread_messages` on commit, so open
// threads (lib/runs/thread-live.ts) read exactly the messages that changed, in order.
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { ThreadPosition } from "@/lib/runs/thread-order";
import type { Transaction } from "./client";
import { getDb } from "./index";
import { messages, threads } from "./schema";

/** NOTIFY channel: '<thread id>' when a workflow wrote one of the thread's messages. */
export const THREAD_MESSAGES_CHANNEL = "thread_messages";

type WorkflowMessage = {
  userId: string;
  threadId: string;
  /** Chosen by the caller (stable per run step), so a retried step posts once. */
  messageId: string;
  metadata?: Record<string, unknown>;
  /** Where it sits in the thread (lib/runs/thread-order); now when not given. */
  position?: ThreadPosition;
  /** False: only change an existing message, never create it. */
  create?: boolean;
};

/**
 * In one transaction: checks the thread is the owner's (404 otherwise), inserts the message
 * with `parts` unless one with its id exists, then lets `change` edit it (locked).
 */
async function writeWorkflowMessage(
  message: WorkflowMessage & { parts: unknown[] },
  change?: (tx: Transaction) => Promise<void>,
): Promise<{ messageId: string; created: boolean }> {
  const { userId, threadId, messageId } = message;
  return (await getDb()).transaction(async (tx) => {
    const [thread] = await tx
      .select({ id: threads.id })
      .from(threads)
      .where(and(eq(threads.id, threadId), eq(threads.userId, userId)));
    if (!thread) throw new AppError("not_found:thread");
    const now = new Date();
    const { position } = message;
    const inserted =
      message.create === false
        ? []
        : await tx
            .insert(messages)
            .values({
              id: messageId,
              threadId,
              role: "assistant",
              parts: message.parts,
              metadata: {
                createdAt: now.toISOString(),
                ...message.metadata,
                postedBy: "workflow",
                // Where it sits in the thread, in µs (the live thread inserts it there).
                order: position
                  ? position.at.getTime() * 1000 + position.micros
                  : now.getTime() * 1000,
              },
              // Microseconds: a run's posts keep plan order within one millisecond.
              createdAt: position
                ? sql`${position.at.toISOString()}::timestamptz + ${position.micros} * interval '1 microsecond'`
                : now,
            })
            .onConflictDoNothing({ target: messages.id })
            .returning({ id: messages.id });
    await change?.(tx);
    const created = inserted.length > 0;
    if (created || change) {
      const [bumped] = await tx
        .update(threads)
        .set({ updatedAt: now, liveSeq: sql`${threads.liveSeq} + 1` })
        .where(eq(threads.id, threadId))
        .returning({ liveSeq: threads.liveSeq });
      await tx
        .update(messages)
        .set({ liveSeq: bumped.liveSeq })
        .where(and(eq(messages.id, messageId), eq(messages.threadId, threadId)));
      // Delivered when the transaction commits, never for a write that rolled back.
      await tx.execute(sql`select pg_notify(${THREAD_MESSAGES_CHANNEL}, ${threadId})`);
    }
    return { messageId, created };
  });
}

/** Appends a workflow's message to the owner's thread: one markdown text part, or `parts`. */
export function postWorkflowMessage({
  text,
  parts,
  ...message
}: WorkflowMessage & { text?: string; parts?: unknown[] }) {
  return writeWorkflowMessage({
    ...message,
    parts: parts ?? [{ type: "text", text: text ?? "" }],
  });
}

/**
 * Changes the data of a workflow message's `partType` part, creating the message first when
 * it does not exist yet: concurrent runs adding to the same message never lose each other's
 * changes (the row is locked between the read and the write).
 */
export function updateWorkflowMessageData<T>({
  partType,
  initial,
  update,
  ...message
}: WorkflowMessage & { partType: `data-${string}`; initial: T; update: (data: T) => T }) {
  const part = (data: T) => ({ type: partType, id: message.messageId, data });
  return writeWorkflowMessage({ ...message, parts: [part(initial)] }, async (tx) => {
    const [row] = await tx
      .select({ parts: messages.parts })
      .from(messages)
      .where(and(eq(messages.id, message.messageId), eq(messages.threadId, message.threadId)))
      .for("update");
    if (!row) {
      if (message.create === false) return;
      throw new AppError("not_found:thread");
    }
    const parts = [...(row.parts as { type: string; data?: unknown }[])];
    const index = parts.findIndex((p) => p.type === partType);
    const current = (index === -1 ? initial : parts[index].data) as T;
    parts[index === -1 ? parts.length : index] = part(update(current));
    await tx.update(messages).set({ parts }).where(eq(messages.id, message.messageId));
  });
}
