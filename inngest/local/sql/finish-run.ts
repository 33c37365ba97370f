import type { Queryable } from "../sql-client";

/**
 * Ends a run and drops whatever it still had queued or paused, in one statement (the caller
 * holds the run's lock in its transaction, whose earlier writes the statement sees).
 */
export async function finishRun(
  q: Queryable,
  runId: string,
  end: { status: "completed" | "failed" | "cancelled"; output?: unknown; error?: unknown },
): Promise<void> {
  await q.query(
    `with ended as (
       update engine.runs set status = $2, output = $3::text::jsonb, error = $4::text::jsonb,
         ended_at = now(), started_at = coalesce(started_at, now())
       where id = $1
       returning id
     ), jobs as (
       delete from engine.jobs where run_id = $1 returning id
     ), pauses as (
       delete from engine.pauses where run_id = $1 returning id
     )
     select (select count(*) from ended) as ended`,
    [
      runId,
      end.status,
      end.output === undefined ? null : JSON.stringify(end.output),
      end.error === undefined ? null : JSON.stringify(end.error),
    ],
  );
}
