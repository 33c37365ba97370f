// What an open thread's live stream reads (lib/runs/thread-live.ts): the thread's message
// changes after a `live_seq`, the runs that belong to the thread (its own and its workflows'),
// and which threads a run belongs to. Owner-checked where a person's input picks the rows.
import "server-only";
import { and, asc, eq, gt, inArray, notInArray, or, sql } from "drizzle-orm";
import { TERMINAL_STATUSES } from "@/lib/runs/status";
import { queryDb as db } from "./index";
import { type Message, messages, runEvents, runs, threads, workflows } from "./schema";

/** The owner's thread with its live sequence, or undefined (missing or someone else's). */
export async function getThreadLiveSeq({
  threadId,
  userId,
}: {
  threadId: string;
  userId: string;
}): Promise<number | undefined> {
  const [row] = await (await db())
    .select({ liveSeq: threads.liveSeq })
    .from(threads)
    .where(and(eq(threads.id, threadId), eq(threads.userId, userId)));
  return row?.liveSeq;
}

/** Messages a workflow wrote after `afterSeq`, in the order they were written. */
export async function listThreadMessageChanges({
  threadId,
  afterSeq,
  limit = 200,
}: {
  threadId: string;
  afterSeq: number;
  limit?: number;
}): Promise<Message[]> {
  return (await db())
    .select()
    .from(messages)
    .where(and(eq(messages.threadId, threadId), gt(messages.liveSeq, afterSeq)))
    .orderBy(asc(messages.liveSeq))
    .limit(limit);
}

// Spelled out: inside a select list drizzle leaves column names unqualified.
const lastSeqOf = sql<number>`coalesce((select max(e.seq) from ${runEvents} e where e.run_id = "runs"."id"), 0)`;

const ofThread = (threadId: string) =>
  or(
    eq(runs.threadId, threadId),
    inArray(
      runs.workflowId,
      sql`(select ${workflows.id} from ${workflows} where ${workflows.threadId} = ${threadId}::uuid)`,
    ),
  );

/** The thread's runs that have not ended (its own and its workflows'), with their newest seq. */
export async function listThreadActiveRuns({
  threadId,
  userId,
}: {
  threadId: string;
  userId: string;
}): Promise<{ id: string; lastSeq: number }[]> {
  const rows = await (await db())
    .select({ id: runs.id, lastSeq: lastSeqOf })
    .from(runs)
    .where(
      and(
        eq(runs.userId, userId),
        ofThread(threadId),
        notInArray(runs.status, [...TERMINAL_STATUSES]),
      ),
    );
  return rows.map((row) => ({ id: row.id, lastSeq: Number(row.lastSeq) }));
}

/** Which of `runIds` belong to the owner's thread (a resume cursor names them). */
export async function listThreadRunsAmong({
  threadId,
  userId,
  runIds,
}: {
  threadId: string;
  userId: string;
  runIds: string[];
}): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await (await db())
    .select({ id: runs.id })
    .from(runs)
    .where(and(inArray(runs.id, runIds), eq(runs.userId, userId), ofThread(threadId)));
  return rows.map((row) => row.id);
}

/** The threads a run belongs to (its own, its workflow's), with its owner and newest seq. */
export async function getRunThreads({ runId }: { runId: string }): Promise<
  | {
      userId: string;
      threadIds: string[];
      createdAt: Date;
      lastSeq: number;
    }
  | undefined
> {
  const [row] = await (await db())
    .select({
      userId: runs.userId,
      threadId: runs.threadId,
      workflowThreadId: workflows.threadId,
      createdAt: runs.createdAt,
      lastSeq: lastSeqOf,
    })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(eq(runs.id, runId));
  if (!row) return undefined;
  const threadIds = [row.threadId, row.workflowThreadId].filter((id): id is string => !!id);
  return {
    userId: row.userId,
    threadIds: [...new Set(threadIds)],
    createdAt: row.createdAt,
    lastSeq: Number(row.lastSeq),
  };
}
