// Bulk actions on runs (lib/runs/bulk.ts): the action rows with their progress, and the runs a
// filter matches — counted for the dry run, read a batch at a time by a (created_at, id)
// keyset for the durable job. Every read filters by owner; the job never sees runs created
// after the action was (its `upTo`), so re-runs it starts never match its own filter.
import "server-only";
import { and, eq, gte, inArray, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { RunStatus } from "@/lib/runs/status";
import { queryDb as db } from "./index";
import { appendRunEvent, getRunById } from "./run-queries";
import { type BulkAction, bulkActions, type Run, runEvents, runSteps, runs } from "./schema";

/** Which runs a bulk action takes, already validated (lib/runs/bulk.ts). */
export type BulkRunFilter = {
  workflowId?: string;
  statuses: RunStatus[];
  from?: Date;
  to?: Date;
  failedStep?: string;
};

/**
 * Where the next batch starts: after the newest run handled, by (created_at, id). `createdAt` is
 * PostgreSQL's own text of the timestamp (microseconds; a JS Date would cut them and repeat or
 * skip runs created within one millisecond).
 */
export type BulkCursor = { createdAt: string; id: string };

/**
 * The newest creation time a bulk action takes: the action's own (runs created after it, its
 * re-runs among them, never match), or now for a dry run.
 */
export type BulkUpTo = { actionId: string } | "now";

function upperBound(upTo: BulkUpTo): SQL {
  return upTo === "now"
    ? sql`now()`
    : sql`(select ${bulkActions.createdAt} from ${bulkActions} where ${bulkActions.id} = ${upTo.actionId})`;
}

function matching(
  userId: string,
  filter: BulkRunFilter,
  upTo: BulkUpTo,
  after?: BulkCursor | null,
) {
  const conditions: (SQL | undefined)[] = [
    eq(runs.userId, userId),
    inArray(runs.status, filter.statuses),
    // Test runs are not re-run or cancelled in bulk: they are not part of the history.
    isNull(runs.test),
    sql`${runs.createdAt} <= ${upperBound(upTo)}`,
    filter.to ? lte(runs.createdAt, filter.to) : undefined,
    filter.workflowId ? eq(runs.workflowId, filter.workflowId) : undefined,
    filter.from ? gte(runs.createdAt, filter.from) : undefined,
    filter.failedStep
      ? sql`exists (select 1 from ${runSteps} where ${runSteps.runId} = ${runs.id} and ${runSteps.stepId} = ${filter.failedStep} and ${runSteps.status} = 'failed')`
      : undefined,
    after
      ? sql`(${runs.createdAt}, ${runs.id}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`
      : undefined,
  ];
  return and(...conditions);
}

/** How many of the person's runs created up to `upTo` the filter matches (the dry run). */
export async function countBulkRuns({
  userId,
  filter,
  upTo,
}: {
  userId: string;
  filter: BulkRunFilter;
  upTo: BulkUpTo;
}): Promise<number> {
  const [row] = await (await db())
    .select({ count: sql<number>`count(*)::int` })
    .from(runs)
    .where(matching(userId, filter, upTo));
  return Number(row?.count ?? 0);
}

/** The next `limit` matching runs after `after`, oldest first, each with its cursor. */
export async function listBulkBatch({
  userId,
  filter,
  upTo,
  after,
  limit,
}: {
  userId: string;
  filter: BulkRunFilter;
  upTo: BulkUpTo;
  after: BulkCursor | null;
  limit: number;
}): Promise<{ run: Run; cursor: BulkCursor }[]> {
  const rows = await (await db())
    .select({ run: runs, at: sql<string>`${runs.createdAt}::text` })
    .from(runs)
    .where(matching(userId, filter, upTo, after))
    .orderBy(runs.createdAt, runs.id)
    .limit(limit);
  return rows.map(({ run, at }) => ({ run, cursor: { createdAt: at, id: run.id } }));
}

export async function createBulkActionRow({
  userId,
  kind,
  filter,
  options,
  total,
}: {
  userId: string;
  kind: BulkAction["kind"];
  filter: unknown;
  options: unknown;
  total: number;
}): Promise<BulkAction> {
  const [row] = await (await db())
    .insert(bulkActions)
    .values({ userId, kind, filter, options, total })
    .returning();
  return row;
}

/** The caller's bulk action, or undefined. */
export async function getBulkAction({
  id,
  userId,
}: {
  id: string;
  userId: string;
}): Promise<BulkAction | undefined> {
  const [row] = await (await db())
    .select()
    .from(bulkActions)
    .where(and(eq(bulkActions.id, id), eq(bulkActions.userId, userId)));
  return row;
}

/** Internal read for the job; never answer a person with it. */
export async function getBulkActionById({ id }: { id: string }): Promise<BulkAction | undefined> {
  const [row] = await (await db()).select().from(bulkActions).where(eq(bulkActions.id, id));
  return row;
}

/** queued → running (once; a retried start changes nothing). */
export async function markBulkActionRunning({ id }: { id: string }): Promise<void> {
  await (await db())
    .update(bulkActions)
    .set({ status: "running" })
    .where(and(eq(bulkActions.id, id), eq(bulkActions.status, "queued")));
}

/**
 * Records a handled batch: moves the cursor from `from` to `to` and adds its counts — only if
 * the cursor is still at `from`, so a batch retried after it was recorded counts once.
 */
export async function advanceBulkAction({
  id,
  from,
  to,
  done,
  failed,
  error,
}: {
  id: string;
  from: BulkCursor | null;
  to: BulkCursor;
  done: number;
  failed: number;
  error?: unknown;
}): Promise<boolean> {
  const at = from
    ? sql`${bulkActions.cursor} = ${JSON.stringify(from)}::jsonb`
    : sql`${bulkActions.cursor} is null`;
  const rows = await (await db())
    .update(bulkActions)
    .set({
      cursor: to,
      done: sql`${bulkActions.done} + ${done}`,
      failed: sql`${bulkActions.failed} + ${failed}`,
      ...(error === undefined
        ? {}
        : { error: sql`coalesce(${bulkActions.error}, ${JSON.stringify(error)}::jsonb)` }),
    })
    .where(and(eq(bulkActions.id, id), at))
    .returning({ id: bulkActions.id });
  return rows.length > 0;
}

/** Ends the action (succeeded, or failed with a safe message); a finished action stays so. */
export async function finishBulkAction({
  id,
  status,
  error,
  now = new Date(),
}: {
  id: string;
  status: "succeeded" | "failed";
  error?: unknown;
  now?: Date;
}): Promise<void> {
  await (await db())
    .update(bulkActions)
    .set({ status, finishedAt: now, ...(error === undefined ? {} : { error }) })
    .where(and(eq(bulkActions.id, id), inArray(bulkActions.status, ["queued", "running"])));
}

/**
 * Creates a re-run record of `source` for a bulk action (idempotent: the same id, or the same
 * source in the same action, is one run) and logs it queued. Answers the run and whether this
 * call created it.
 */
export async function createBulkRerunRun({
  id,
  source,
  versionId,
  bulkActionId,
  rerun,
}: {
  id: string;
  source: Run;
  versionId: string;
  bulkActionId: string;
  rerun: unknown;
}): Promise<{ run: Run; created: boolean }> {
  const [inserted] = await (await db())
    .insert(runs)
    .values({
      id,
      workflowId: source.workflowId,
      versionId,
      userId: source.userId,
      threadId: source.threadId,
      trigger: source.trigger,
      rerunOfId: source.id,
      rerun,
      bulkActionId,
    })
    .onConflictDoNothing()
    .returning();
  const run = inserted ?? (await getRunById({ runId: id }));
  if (!run) throw new Error(`bulk re-run ${id} of ${source.id} could not be created`);
  await appendRunEvent({
    runId: run.id,
    key: "run:queued",
    message: `Run queued (re-run of ${source.id} by a bulk action)`,
    data: { status: "queued", rerunOf: source.id, bulkActionId },
  });
  return { run, created: Boolean(inserted) };
}

/**
 * The batch form of `createBulkRerunRun`: every re-run record of a batch and its "queued" log
 * entry in one transaction (three statements, not five per run). Re-runs that exist already (a
 * retried batch) are kept as they are. Answers every re-run of the batch, created or found.
 */
export async function createBulkRerunRuns({
  bulkActionId,
  reruns,
}: {
  bulkActionId: string;
  reruns: { id: string; source: Run; versionId: string; rerun: unknown }[];
}): Promise<Run[]> {
  if (reruns.length === 0) return [];
  return (await db()).transaction(async (tx) => {
    const inserted = await tx
      .insert(runs)
      .values(
        reruns.map(({ id, source, versionId, rerun }) => ({
          id,
          workflowId: source.workflowId,
          versionId,
          userId: source.userId,
          threadId: source.threadId,
          trigger: source.trigger,
          rerunOfId: source.id,
          rerun,
          bulkActionId,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: runs.id, rerunOfId: runs.rerunOfId });
    if (inserted.length > 0) {
      // A run created just now has no log yet: its first entry is seq 1.
      await tx
        .insert(runEvents)
        .values(
          inserted.map(({ id, rerunOfId }) => ({
            runId: id,
            seq: 1,
            key: "run:queued",
            message: `Run queued (re-run of ${rerunOfId} by a bulk action)`,
            data: { status: "queued", rerunOf: rerunOfId, bulkActionId },
          })),
        )
        .onConflictDoNothing();
    }
    return tx
      .select()
      .from(runs)
      .where(
        inArray(
          runs.id,
          reruns.map((rerun) => rerun.id),
        ),
      );
  });
}
