import type { Queryable } from "../sql-client";
import type { StoredEvent } from "./insert-events";
import type { Pause } from "./insert-pause";

export type PauseForEvent = Pause & { run_event: Record<string, unknown> };

/**
 * An event job taken for matching, in one statement: the job deleted, its event loaded, and
 * the live pauses (waits and cancellations) on the event's name with their run's trigger
 * event, in the order they are matched (by run, then creation).
 * Undefined when the job was gone already (another worker took it) or its event was pruned;
 * the job is gone either way. Pauses are not locked here: callers lock the run first and
 * then consume the pause. Was three statements: load, delete, pause lookup.
 */
export async function takeEventJob(
  q: Queryable,
  jobId: string,
  eventId: string,
): Promise<{ event: StoredEvent; pauses: PauseForEvent[] } | undefined> {
  const [row] = await q.query<StoredEvent & { pauses: PauseForEvent[] | string }>(
    `with j as (
       delete from engine.jobs where id = $1 returning id
     ), e as (
       select id, name, payload from engine.events where id = $2 and exists (select 1 from j)
     )
     select e.id, e.name, e.payload,
       coalesce((
         select jsonb_agg(jsonb_build_object(
                  'id', p.id, 'kind', p.kind, 'run_id', p.run_id, 'step', p.step,
                  'event_name', p.event_name, 'expression', p.expression, 'race', p.race,
                  'run_event', r.event)
                order by p.run_id, p.created_at, p.id)
         from engine.pauses p join engine.runs r on r.id = p.run_id
         where p.event_name = e.name and p.kind in ('wait', 'cancel')
           and (p.expires_at is null or p.expires_at > now())
           and r.status in ('queued', 'running')
       ), '[]'::jsonb) as pauses
     from e`,
    [jobId, eventId],
  );
  if (!row) return undefined;
  const pauses = typeof row.pauses === "string" ? JSON.parse(row.pauses) : row.pauses;
  return { event: { id: row.id, name: row.name, payload: row.payload }, pauses };
}
