import type { Queryable } from "../sql-client";

/**
 * Deletes up to `limit` runs that ended before `before`, with their stored step results,
 * attempts, defers and metadata, and answers how many went. The memo is only read while a run is going (the app
 * keeps its own history of every run), so ended runs are kept for a retention window only.
 * Oldest first; a caller repeats it until it answers less than `limit`.
 */
export async function pruneEndedRuns(
  q: Queryable,
  { before, limit }: { before: Date; limit: number },
): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `with doomed as (
       select id from engine.runs
       where ended_at < $1 and status in ('completed', 'failed', 'cancelled')
       order by ended_at
       limit $2
     ),
     steps as (delete from engine.steps where run_id in (select id from doomed)),
     attempts as (delete from engine.attempts where run_id in (select id from doomed)),
     jobs as (delete from engine.jobs where run_id in (select id from doomed)),
     pauses as (delete from engine.pauses where run_id in (select id from doomed)),
     defers as (delete from engine.defers where run_id in (select id from doomed)),
     metadata as (delete from engine.run_metadata where run_id in (select id from doomed)),
     runs as (delete from engine.runs where id in (select id from doomed) returning 1)
     select count(*)::int as n from runs`,
    [before.toISOString(), limit],
  );
  return row.n;
}
