// A run's log as the views read it. The run view carries the newest entries (where a run's end
// and its failure are) plus every older error line, and says where older entries continue;
// `GET /api/runs/:id/log?before=<seq>` pages back through the rest. Nothing is cut.
import "server-only";
import { listRunErrorEventsBefore, listRunEventsBefore } from "@/lib/db/run-log-queries";
import type { RunEvent } from "@/lib/db/schema";

/** Entries the run view carries; older ones page in. */
export const RUN_VIEW_LOG_ENTRIES = 500;
/** The largest page of `GET /api/runs/:id/log`. */
export const MAX_LOG_PAGE = 1000;
/** Older error lines the view adds, so the failure shows however long the log. */
const EARLIER_ERRORS = 20;

/**
 * How the view's log relates to the whole: `total` entries (seq is contiguous from 1), and the
 * seq to pass as `before` for the entries older than the view's newest page (null: none).
 */
export type RunLogPosition = { total: number; olderBefore: number | null };

/** The view's log: the newest entries, older error lines before them, oldest first. */
export async function readRunLogTail({
  runId,
  limit = RUN_VIEW_LOG_ENTRIES,
}: {
  runId: string;
  limit?: number;
}): Promise<{ events: RunEvent[]; log: RunLogPosition }> {
  const tail = await listRunEventsBefore({ runId, limit });
  const oldest = tail[0]?.seq;
  const total = tail.at(-1)?.seq ?? 0;
  if (oldest === undefined || oldest <= 1)
    return { events: tail, log: { total, olderBefore: null } };
  const errors = await listRunErrorEventsBefore({
    runId,
    beforeSeq: oldest,
    limit: EARLIER_ERRORS,
  });
  return { events: [...errors, ...tail], log: { total, olderBefore: oldest } };
}

/** A page of the log before `before` (newest first when absent), oldest first. */
export async function readRunLogPage({
  runId,
  before,
  limit,
}: {
  runId: string;
  before?: number;
  limit: number;
}): Promise<{ events: RunEvent[]; before: number | null }> {
  const events = await listRunEventsBefore({ runId, beforeSeq: before, limit });
  const oldest = events[0]?.seq;
  return { events, before: oldest !== undefined && oldest > 1 ? oldest : null };
}
