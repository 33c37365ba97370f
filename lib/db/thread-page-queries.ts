// A thread read a page at a time, newest first, by the index messages (thread_id, created_at,
// id): a thread holding 10,000 runs opens as fast as a new one. The cursor is the oldest
// message of a page, its time to the microsecond (run posts are placed within a millisecond,
// lib/runs/thread-order) and its id.
import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { queryDb as db } from "./index";
import { type Message, messages } from "./schema";

export const THREAD_PAGE_SIZE = 50;
export const MAX_THREAD_PAGE_SIZE = 200;

export type ThreadCursor = { at: string; id: string };

const MICROS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeThreadCursor(cursor: ThreadCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

/** The cursor a page handed out; anything else is a 400. */
export function decodeThreadCursor(value: string): ThreadCursor {
  const invalid = () => new AppError("bad_request:thread", "The `before` cursor is not valid.");
  if (value.length > 400 || !/^[A-Za-z0-9_-]+$/.test(value)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    !MICROS_ISO.test(parsed[0]) ||
    Number.isNaN(Date.parse(parsed[0])) ||
    typeof parsed[1] !== "string" ||
    parsed[1].length === 0 ||
    parsed[1].length > 100
  ) {
    throw invalid();
  }
  return { at: parsed[0], id: parsed[1] };
}

/**
 * The newest `limit` messages of a thread older than `before` (all when not given), oldest
 * first, and the cursor for the page before them (null at the thread's start). The caller has
 * checked that the thread is the person's.
 */
export async function getThreadPage({
  threadId,
  before,
  limit = THREAD_PAGE_SIZE,
}: {
  threadId: string;
  before?: ThreadCursor;
  limit?: number;
}): Promise<{ rows: Message[]; before: string | null }> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), MAX_THREAD_PAGE_SIZE);
  const found = await (await db())
    .select({
      message: messages,
      at: sql<string>`to_char(${messages.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(messages)
    .where(
      and(
        eq(messages.threadId, threadId),
        before
          ? sql`(${messages.createdAt}, ${messages.id}) < (${before.at}::timestamptz, ${before.id})`
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(size + 1);
  const page = found.slice(0, size);
  const oldest = page.at(-1);
  return {
    rows: page.reverse().map((row) => row.message),
    before:
      found.length > size && oldest
        ? encodeThreadCursor({ at: oldest.at, id: oldest.message.id })
        : null,
  };
}
