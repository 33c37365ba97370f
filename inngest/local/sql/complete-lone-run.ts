import { ulid } from "../ids";
import type { Queryable } from "../sql-client";
import { eventPayload, someoneListens } from "./insert-events";

const FINISHED = "inngest/function.finished";

/**
 * A call's answer that completes its run, in one statement instead of a transaction of seven
 * round trips: while `jobId` is still the run's call and the run is active, with no parent
 * run to resume and no defer to start, the run ends `completed` with `output`, whatever else
 * it had queued or paused is dropped, and its `inngest/function.finished` is stored (its
 * event job queued only when something listens, as `insertEvents` does).
 *
 * The run's row is locked first, as the transaction locks it, so a cancellation racing this
 * waits for it or makes it a no-op. False when nothing was written: the call or the run is
 * gone, or the run has a parent or defers; the caller then applies the answer the general way
 * (`completeRun` in a transaction), which also knows what a stale answer means.
 */
export async function completeLoneRun(
  q: Queryable,
  a: { runId: string; functionId: string; jobId: string; startedAt: number; output: unknown },
): Promise<{ ended: boolean; queued: boolean }> {
  const now = Date.now();
  const eventId = ulid(now);
  const output = a.output ?? null;
  const payload = eventPayload(
    { name: FINISHED, data: { function_id: a.functionId, run_id: a.runId, result: output } },
    eventId,
    now,
  );
  const [row] = await q.query<{ ended: number; queued: number }>(
    `with r as (
       select id from engine.runs
       where id = $1 and status in ('queued', 'running') and parent_run_id is null
         and not exists (
           select 1 from engine.defers d
           where d.run_id = $1 and not d.aborted and d.scheduled_at is null and d.fn_slug is not null)
       for update
     ), j as (
       delete from engine.jobs where id = $2 and run_id = $1 and exists (select 1 from r)
       returning id
     ), ended as (
       update engine.runs set status = 'completed', output = $3::text::jsonb, error = null,
         ended_at = now(), started_at = coalesce(started_at, to_timestamp($4::float8 / 1000))
       where id = $1 and exists (select 1 from j)
       returning id
     ), others as (
       delete from engine.jobs where run_id = $1 and id <> $2 and exists (select 1 from ended)
       returning id
     ), pauses as (
       delete from engine.pauses where run_id = $1 and exists (select 1 from ended)
       returning id
     ), ev as (
       insert into engine.events (id, name, payload)
       select $5, '${FINISHED}', $6::text::jsonb from ended
       returning id
     ), job as (
       insert into engine.jobs (id, kind, payload)
       select $7, 'event', jsonb_build_object('eventId', $5::text) from ev
       where ${someoneListens(`'${FINISHED}'`)}
       returning id
     )
     select (select count(*) from ended)::int as ended, (select count(*) from job)::int as queued`,
    [a.runId, a.jobId, JSON.stringify(output), a.startedAt, eventId, payload, ulid(now)],
  );
  return { ended: row?.ended === 1, queued: row?.queued === 1 };
}
