import type { Queryable } from "../sql-client";

export type Pause = {
  id: string;
  kind: "wait" | "invoke" | "cancel";
  run_id: string;
  step: string | null;
  event_name: string | null;
  expression: string | null;
  /** Planned in race mode (`group.parallel({ mode: "race" })`): its end is not joined. */
  race: boolean;
};

/**
 * Pauses a run's step until an event (wait), a child run (invoke) or a cancel event; false
 * when the step has a result already. Beside race-mode branches, a call that started before
 * a wait was resumed can report that wait again: pausing it twice would leave a pause nobody
 * resumes, and the run would never be idle for its next discovery.
 */
export async function insertPause(
  q: Queryable,
  pause: Omit<Pause, "event_name" | "expression" | "race"> & {
    race?: boolean;
    eventName?: string | null;
    expression?: string | null;
    expiresAt?: number | null;
  },
): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.pauses (id, kind, run_id, step, event_name, expression, expires_at, race)
     select $1, $2, $3, $4, $5, $6, to_timestamp($7::float8 / 1000), $8
     where $4::text is null
        or not exists (select 1 from engine.steps s where s.run_id = $3 and s.hash = $4)
     on conflict (id) do nothing
     returning id`,
    [
      pause.id,
      pause.kind,
      pause.run_id,
      pause.step,
      pause.eventName ?? null,
      pause.expression ?? null,
      pause.expiresAt ?? null,
      pause.race ?? false,
    ],
  );
  return rows.length > 0;
}
