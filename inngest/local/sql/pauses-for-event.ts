import type { Queryable } from "../sql-client";
import type { Pause } from "./insert-pause";

/**
 * Live pauses waiting for an event with this name, with their run's trigger event. Not
 * locked here: callers lock the run first and then consume the pause (runs before pauses,
 * everywhere, so transactions never wait on each other in a cycle).
 */
export async function pausesForEvent(
  q: Queryable,
  eventName: string,
): Promise<(Pause & { run_event: Record<string, unknown> })[]> {
  return q.query(
    `select p.id, p.kind, p.run_id, p.step, p.event_name, p.expression, p.race, r.event as run_event
     from engine.pauses p join engine.runs r on r.id = p.run_id
     where p.event_name = $1 and p.kind in ('wait', 'cancel')
       and (p.expires_at is null or p.expires_at > now())
       and r.status in ('queued', 'running')
     order by p.run_id, p.created_at, p.id`,
    [eventName],
  );
}
