import type { Queryable } from "../sql-client";

/**
 * Creates a durable endpoint's run, already running: the SDK executes it inside the HTTP
 * request it serves and only reports its steps, so no call is queued. The run id is the
 * SDK's; false when a run with that id exists already (nothing is inserted).
 */
export async function insertEndpointRun(
  q: Queryable,
  run: {
    id: string;
    functionId: string;
    appId: string;
    eventId: string;
    event: Record<string, unknown>;
    startedAt: number;
  },
): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.runs (id, function_id, app_id, event_id, event, status, started_at)
     values ($1, $2, $3, $4, $5::text::jsonb, 'running', to_timestamp($6::float8 / 1000))
     on conflict (id) do nothing
     returning id`,
    [run.id, run.functionId, run.appId, run.eventId, JSON.stringify(run.event), run.startedAt],
  );
  return rows.length > 0;
}
