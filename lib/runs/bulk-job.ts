// One batch of a bulk action, as the durable job (inngest/functions/bulk-runs.ts) runs it in a
// step: the next runs after the action's cursor, acted on, their start or cancel events sent in
// one request, then the cursor and the counts moved in one statement that only applies while
// the cursor is still where the batch began. A batch retried after a crash therefore creates
// no second re-run (derived ids + the unique (bulk_action_id, rerun_of_id) index), sends only
// events the engine drops as duplicates (their ids are the run ids) and counts once.
import "server-only";
import { inngest as appClient, runCancelRequested } from "@/inngest/client";
import {
  advanceBulkAction,
  type BulkCursor,
  getBulkActionById,
  listBulkBatch,
} from "@/lib/db/bulk-queries";
import type { BulkAction, Run } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { type BulkRerunOptions, storedBulkFilter } from "./bulk";
import type { RerunBatch } from "./bulk-rerun";
import { recordRunFinished } from "./records";

type Sender = Pick<typeof appClient, "send">;

/** Runs per batch (one step each). */
export const BULK_BATCH_SIZE = 200;
/** Runs handled at once inside a batch. */
const PARALLEL = 8;
/** Events per request to the engine. */
const EVENTS_PER_SEND = 100;

export type BatchResult = {
  /** Whether this batch was the last (fewer runs than a batch, or none, were left). */
  last: boolean;
  handled: number;
  done: number;
  failed: number;
};

/** Runs `work` over `items`, `limit` at a time. */
async function pooled<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let index = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (index < items.length) await work(items[index++]);
  });
  await Promise.all(lanes);
}

/** A sender that keeps the events, so a batch sends them in a few requests, not one per run. */
function collectingSender(): { sender: Sender; events: unknown[] } {
  const events: unknown[] = [];
  const send = async (payload: unknown) => {
    events.push(...(Array.isArray(payload) ? payload : [payload]));
    return { ids: [] };
  };
  return { sender: { send } as unknown as Sender, events };
}

async function sendAll(client: Sender, events: unknown[]) {
  for (let i = 0; i < events.length; i += EVENTS_PER_SEND) {
    await client.send(events.slice(i, i + EVENTS_PER_SEND) as Parameters<Sender["send"]>[0]);
  }
}

const messageOf = (error: unknown) =>
  error instanceof AppError ? error.message : "A server error stopped this run's part.";

/** The first failure of a batch, kept on the action (its message is safe to show). */
type Failure = { runId: string; message: string };

async function rerunSources(
  action: BulkAction,
  batch: Run[],
  { client, rerunBatch: rerun }: { client: Sender; rerunBatch: RerunBatch },
) {
  const options = action.options as BulkRerunOptions;
  const { sender, events } = collectingSender();
  const failures = await rerun({
    userId: action.userId,
    sources: batch,
    from: options.from ?? "failed",
    version: options.version ?? "pinned",
    bulkActionId: action.id,
    client: sender,
  });
  await sendAll(client, events);
  return failures;
}

async function cancelBatch(action: BulkAction, batch: Run[], client: Sender) {
  const failures: Failure[] = [];
  await sendAll(
    client,
    batch.map((run) => runCancelRequested.create({ runId: run.id, userId: action.userId })),
  );
  await pooled(batch, PARALLEL, async (run) => {
    try {
      // A run that ended meanwhile stays as it ended; it was handled all the same. Its thread
      // gets no summary: the action's one progress message stands for every run it cancels.
      await recordRunFinished({ runId: run.id, status: "cancelled", bulkActionId: action.id });
    } catch (error) {
      logError("[runs] a bulk cancel failed", error);
      failures.push({ runId: run.id, message: messageOf(error) });
    }
  });
  return failures;
}

/**
 * Handles the batch after the action's stored cursor and records it (see the file header). The
 * cursor is read from the row, not carried between steps: a batch retried after it was
 * recorded goes on with the next one instead of counting the same runs again.
 */
export async function runBulkBatch({
  bulkActionId,
  client = appClient,
  rerunBatch,
  batchSize = BULK_BATCH_SIZE,
}: {
  bulkActionId: string;
  client?: Sender;
  rerunBatch: RerunBatch;
  batchSize?: number;
}): Promise<BatchResult> {
  const action = await getBulkActionById({ id: bulkActionId });
  if (action?.status !== "running") return { last: true, handled: 0, done: 0, failed: 0 };
  const cursor = (action.cursor as BulkCursor | null) ?? null;
  const rows = await listBulkBatch({
    userId: action.userId,
    filter: storedBulkFilter(action.filter),
    upTo: { actionId: action.id },
    after: cursor,
    limit: batchSize,
  });
  if (rows.length === 0) return { last: true, handled: 0, done: 0, failed: 0 };
  const batch = rows.map((row) => row.run);
  const failures =
    action.kind === "rerun"
      ? await rerunSources(action, batch, { client, rerunBatch })
      : await cancelBatch(action, batch, client);
  const done = batch.length - failures.length;
  await advanceBulkAction({
    id: action.id,
    from: cursor,
    to: rows[rows.length - 1].cursor,
    done,
    failed: failures.length,
    ...(failures.length > 0
      ? { error: { message: `Run ${failures[0].runId}: ${failures[0].message}` } }
      : {}),
  });
  return { last: rows.length < batchSize, handled: batch.length, done, failed: failures.length };
}
