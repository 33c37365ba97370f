import type { Queryable } from "../sql-client";

export type RunForCall = {
  id: string;
  function_id: string;
  status: string;
  event: Record<string, unknown>;
  /** A batch run's events; null for a run of one event. */
  events: Record<string, unknown>[] | null;
  force_step_plan: boolean;
  request_version: number;
  /** [hash, memo] pairs in completion order. */
  steps: [string, unknown][];
  /**
   * The run's defers by hashed id, sent as the call's `defers` so the SDK does not add them
   * again on replay; an aborted one is no longer `abortable`.
   */
  defers: Record<string, { abortable: boolean }>;
};

/** Everything one SDK call needs, in one round trip. */
export async function loadRunForCall(q: Queryable, runId: string): Promise<RunForCall | undefined> {
  const [row] = await q.query<RunForCall>(
    `select r.id, r.function_id, r.status, r.event, r.events, r.force_step_plan, r.request_version,
       coalesce((select json_agg(json_build_array(s.hash, s.output) order by s.position)
                 from engine.steps s where s.run_id = r.id), '[]'::json) as steps,
       coalesce((select json_object_agg(d.hash, json_build_object('abortable', not d.aborted))
                 from engine.defers d where d.run_id = r.id), '{}'::json) as defers
     from engine.runs r where r.id = $1`,
    [runId],
  );
  return row;
}
