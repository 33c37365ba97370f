import type { Queryable } from "../sql-client";

export type Pause = {
  id: string;
  kind: "wait" | "invoke" | "cancel";
  run_id: string;
  step: string | null;
  event_name: string | null;
  expression: string | null;
};

/** Pauses a run's step until an event (wait), a child run (invoke) or a cancel event. */
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
