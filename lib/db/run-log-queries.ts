// A run's log read a page at a time, newest first, by run_events (run_id, seq): a run with
// thousands of entries is never cut, and its failure lines are always at hand.
import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import { queryDb as db } from "./index";
import { type RunEvent, runEvents } from "./schema";

/** The newest `limit` entries with seq below `beforeSeq` (all when not given), oldest first. */
export async function listRunEventsBefore({
  runId,
  beforeSeq,
  limit,
}: {
  runId: string;
  beforeSeq?: number;
  limit: number;
}): Promise<RunEvent[]> {
  const rows = await (await db())
    .select()
    .from(runEvents)
    .where(
      and(
        eq(runEvents.runId, runId),
        beforeSeq === undefined ? undefined : lt(runEvents.seq, beforeSeq),
      ),
    )
    .orderBy(desc(runEvents.seq))
    .limit(limit);
  return rows.reverse();
}

/** The run's newest error entries with seq below `beforeSeq`, oldest first. */
export async function listRunErrorEventsBefore({
  runId,
  beforeSeq,
  limit,
}: {
  runId: string;
  beforeSeq: number;
  limit: number;
}): Promise<RunEvent[]> {
  const rows = await (await db())
    .select()
    .from(runEvents)
    .where(
      and(eq(runEvents.runId, runId), lt(runEvents.seq, beforeSeq), eq(runEvents.level, "error")),
    )
    .orderBy(desc(runEvents.seq))
    .limit(limit);
  return rows.reverse();
}
