import type { Queryable } from "../sql-client";

export type Pause = {
  id: string;
  kind: "wait" | "invoke" | "cancel";
  run_id: string;
  step: string | null;
  event_name: string | null;
  expression: string | null;
};

export async function insertPause(
  q: Queryable,
  pause: Omit<Pause, "event_name" | "expression"> & {
    eventName?: string | null;
    expression?: string | null;
    expiresAt?: number | null;
  },
): Promise<void> {
  await q.query(
    `insert into engine.pauses (id, kind, run_id, step, event_name, expression, expires_at)
     values ($1, $2, $3, $4, $5, $6, to_timestamp($7::float8 / 1000))
     on conflict (id) do nothing`,
    [
      pause.id,
      pause.kind,
      pause.run_id,
      pause.step,
      pause.eventName ?? null,
      pause.expression ?? null,
      pause.expiresAt ?? null,
    ],
  );
}

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
    `select p.id, p.kind, p.run_id, p.step, p.event_name, p.expression, r.event as run_event
     from engine.pauses p join engine.runs r on r.id = p.run_id
     where p.event_name = $1 and p.kind in ('wait', 'cancel')
       and (p.expires_at is null or p.expires_at > now())
       and r.status in ('queued', 'running')
     order by p.run_id, p.created_at, p.id`,
    [eventName],
  );
}

/** Consumes a pause; false when another transaction consumed it first. */
export async function deletePause(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query("delete from engine.pauses where id = $1 returning id", [id]);
  return rows.length > 0;
}
