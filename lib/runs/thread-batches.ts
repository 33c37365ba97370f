// How webhook runs speak in their thread. A webhook can fire hundreds of times a minute; a run
// card, its posts and a summary for each would bury the conversation (and the model's context).
// So everything the runs of one webhook workflow post within one minute (by when each run was
// created) goes into one message, `batch_<workflow>_<minute>`: the runs with their status and
// what they posted, the first ones shown and the rest counted. A failed run still gets its own
// summary message: failures always show.
import "server-only";
import type { BatchData } from "@/lib/ai/types";
import { updateWorkflowMessageData } from "@/lib/db/message-queries";
import type { Run } from "@/lib/db/schema";
import { isPersonRerun } from "./notify";

/** Runs and posts a batch message shows; more are counted, and the workflow's history has them. */
export const BATCH_SHOWN_RUNS = 20;
export const BATCH_SHOWN_POSTS = 20;
/** A batched post longer than this is cut (the run's own record keeps all of it). */
export const BATCH_POST_MAX_CHARS = 4_000;

type BatchedRun = Pick<Run, "id" | "userId" | "threadId" | "workflowId" | "createdAt" | "trigger">;

/** Whether what this run posts goes into its workflow's batch message. */
export function isBatchedRun(
  run: Pick<Run, "trigger"> & Partial<Pick<Run, "rerunOfId" | "bulkActionId" | "test">>,
): boolean {
  // A webhook run a person re-ran (or tested) is theirs: it gets its own card.
  if (isPersonRerun(run) || run.test) return false;
  return (run.trigger as { type?: string } | null)?.type === "webhook";
}

function windowStart(at: Date): Date {
  const start = new Date(at);
  start.setUTCSeconds(0, 0);
  return start;
}

export function batchMessageId(workflowId: string, createdAt: Date): string {
  const minute = windowStart(createdAt).toISOString().slice(0, 16).replace(/[-:T]/g, "");
  return `batch_${workflowId}_${minute}`;
}

function emptyBatch(run: BatchedRun, title: string): BatchData {
  return {
    workflowId: run.workflowId,
    title,
    trigger: "webhook",
    windowStart: windowStart(run.createdAt).toISOString(),
    total: 0,
    runs: [],
    posts: [],
    omittedPosts: 0,
  };
}

async function updateBatch(run: BatchedRun, title: string, update: (data: BatchData) => BatchData) {
  if (!run.threadId) return undefined;
  return updateWorkflowMessageData<BatchData>({
    userId: run.userId,
    threadId: run.threadId,
    messageId: batchMessageId(run.workflowId, run.createdAt),
    partType: "data-batch",
    initial: emptyBatch(run, title),
    update,
    metadata: { workflowId: run.workflowId },
  });
}

/** Counts a new run in its batch (shown while there is room). Repeating it changes nothing. */
export function addRunToBatch(run: BatchedRun & Pick<Run, "status">, title: string) {
  return updateBatch(run, title, (data) => {
    if (data.runs.some((r) => r.runId === run.id)) return data;
    const runs =
      data.runs.length < BATCH_SHOWN_RUNS
        ? [...data.runs, { runId: run.id, status: run.status, at: run.createdAt.toISOString() }]
        : data.runs;
    return { ...data, title, total: data.total + 1, runs };
  });
}

/** Updates a shown run's status when it ends. */
export function setBatchRunStatus(run: BatchedRun & Pick<Run, "status">, title: string) {
  return updateBatch(run, title, (data) => ({
    ...data,
    runs: data.runs.map((r) => (r.runId === run.id ? { ...r, status: run.status } : r)),
  }));
}

/** Adds what a run step posted, once per `key` (the unit's message id), whatever the retries. */
export function addPostToBatch(
  run: BatchedRun,
  title: string,
  post: { key: string; text: string; at?: Date },
) {
  return updateBatch(run, title, (data) => {
    if (data.posts.some((p) => p.key === post.key)) return data;
    if (data.posts.length >= BATCH_SHOWN_POSTS)
      return { ...data, omittedPosts: data.omittedPosts + 1 };
    const text =
      post.text.length > BATCH_POST_MAX_CHARS
        ? `${post.text.slice(0, BATCH_POST_MAX_CHARS)}\n\n… (cut; the run's record has all of it)`
        : post.text;
    return {
      ...data,
      posts: [
        ...data.posts,
        { runId: run.id, key: post.key, text, at: (post.at ?? new Date()).toISOString() },
      ],
    };
  });
}
