// One function per database operation. Every query on a person's data filters by owner;
// a row owned by someone else is reported exactly like a missing one.
import "server-only";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { queryDb as db } from "./index";
import { accounts, type Message, messages, type Thread, threads, users } from "./schema";

export async function getUserByEmail({ email }: { email: string }) {
  const [user] = await (await db()).select().from(users).where(eq(users.email, email));
  return user;
}

export async function getUserById({ id }: { id: string }) {
  const [user] = await (await db()).select().from(users).where(eq(users.id, id));
  return user;
}

/** Creates a password account; `conflict:auth` when the email is taken. */
export async function createUser({
  email,
  name,
  passwordHash,
}: {
  email: string;
  name?: string;
  passwordHash: string;
}) {
  const [user] = await (await db())
    .insert(users)
    .values({ email, name: name || null, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) throw new AppError("conflict:auth", "An account with this email already exists.");
  return user;
}

/** Finds or creates the user behind an OAuth identity (GitHub), linking by email. */
export async function upsertOAuthUser({
  provider,
  providerAccountId,
  email,
  name,
  image,
}: {
  provider: string;
  providerAccountId: string;
  email: string;
  name?: string | null;
  image?: string | null;
}) {
  const database = await db();
  return database.transaction(async (tx) => {
    const [linked] = await tx
      .select({ user: users })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(
        and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)),
      );
    if (linked) return linked.user;
    const [existing] = await tx.select().from(users).where(eq(users.email, email));
    const user =
      existing ??
      (await tx
        .insert(users)
        .values({ email, name, image })
        .returning()
        .then((rows) => rows[0]));
    await tx.insert(accounts).values({ provider, providerAccountId, userId: user.id });
    return user;
  });
}

export async function listThreads({ userId, limit = 100 }: { userId: string; limit?: number }) {
  return (await db())
    .select()
    .from(threads)
    .where(eq(threads.userId, userId))
    .orderBy(desc(threads.updatedAt))
    .limit(limit);
}

/** The thread if it exists and belongs to `userId`, otherwise undefined. */
export async function getThread({
  id,
  userId,
}: {
  id: string;
  userId: string;
}): Promise<Thread | undefined> {
  const [thread] = await (await db())
    .select()
    .from(threads)
    .where(and(eq(threads.id, id), eq(threads.userId, userId)));
  return thread;
}

/** Returns the caller's thread, creating it with `id` when new; another user's id is a 404. */
export async function getOrCreateThread({
  id,
  userId,
  title,
}: {
  id: string;
  userId: string;
  title: string;
}): Promise<{ thread: Thread; created: boolean }> {
  const database = await db();
  const [created] = await database
    .insert(threads)
    .values({ id, userId, title })
    .onConflictDoNothing({ target: threads.id })
    .returning();
  if (created) return { thread: created, created: true };
  const thread = await getThread({ id, userId });
  if (!thread) throw new AppError("not_found:thread");
  return { thread, created: false };
}

export async function renameThread({
  id,
  userId,
  title,
}: {
  id: string;
  userId: string;
  title: string;
}) {
  const [thread] = await (await db())
    .update(threads)
    .set({ title, updatedAt: new Date() })
    .where(and(eq(threads.id, id), eq(threads.userId, userId)))
    .returning();
  if (!thread) throw new AppError("not_found:thread");
  return thread;
}

export async function deleteThread({ id, userId }: { id: string; userId: string }) {
  const [thread] = await (await db())
    .delete(threads)
    .where(and(eq(threads.id, id), eq(threads.userId, userId)))
    .returning({ id: threads.id });
  if (!thread) throw new AppError("not_found:thread");
}

export async function touchThread({ id }: { id: string }) {
  await (await db()).update(threads).set({ updatedAt: new Date() }).where(eq(threads.id, id));
}

export async function getMessages({ threadId }: { threadId: string }): Promise<Message[]> {
  return (await db())
    .select()
    .from(messages)
    .where(eq(messages.threadId, threadId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** Inserts or replaces messages by id (a regenerated or resumed message overwrites itself). */
export async function saveMessages({
  threadId,
  items,
}: {
  threadId: string;
  items: { id: string; role: Message["role"]; parts: unknown; metadata?: unknown }[];
}) {
  if (items.length === 0) return;
  const database = await db();
  for (const item of items) {
    await database
      .insert(messages)
      .values({
        id: item.id,
        threadId,
        role: item.role,
        parts: item.parts,
        metadata: item.metadata ?? null,
      })
      .onConflictDoUpdate({
        target: messages.id,
        set: { parts: item.parts, metadata: item.metadata ?? null },
        // An id that already belongs to another thread is never overwritten.
        setWhere: eq(messages.threadId, threadId),
      });
  }
}

/**
 * Replaces a message's parts only if they are still exactly `expected` (compare and set), so
 * two answers to one confirmation cannot both go through. True when this call replaced them.
 */
export async function replaceMessageParts({
  threadId,
  messageId,
  expected,
  parts,
}: {
  threadId: string;
  messageId: string;
  expected: unknown;
  parts: unknown;
}): Promise<boolean> {
  const updated = await (await db())
    .update(messages)
    .set({ parts })
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.threadId, threadId),
        sql`${messages.parts} = ${JSON.stringify(expected)}::jsonb`,
      ),
    )
    .returning({ id: messages.id });
  return updated.length > 0;
}

/**
 * Deletes one reply the model wrote (used by regenerate). Workflow posts (run cards, summaries,
 * chat.post messages, batches) and the person's messages are never deleted here, whatever id
 * is passed. True when a message was deleted.
 */
export async function deleteModelReply({
  threadId,
  messageId,
}: {
  threadId: string;
  messageId: string;
}): Promise<boolean> {
  const deleted = await (await db())
    .delete(messages)
    .where(
      and(
        eq(messages.threadId, threadId),
        eq(messages.id, messageId),
        eq(messages.role, "assistant"),
        sql`coalesce(${messages.metadata}->>'postedBy', '') <> 'workflow'`,
        sql`coalesce(${messages.metadata}->>'runId', ${messages.metadata}->>'workflowId', ${messages.metadata}->'workflowRun'->>'runId') is null`,
        sql`${messages.id} not like 'run\\_%' and ${messages.id} not like 'batch\\_%'`,
      ),
    )
    .returning({ id: messages.id });
  return deleted.length > 0;
}
