// The run columns that run history reads select, and their conversion to a RunSummary.
import type { RunStatus, RunSummary } from "../interfaces";

/** A run as list-runs and get-run select it (times as epoch ms). */
export type RunRow = {
  id: string;
  function_id: string;
  app_id: string;
  event_id: string;
  status: RunStatus;
  output: unknown;
  error: unknown;
  event: unknown;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  parent_run_id: string | null;
};

export const RUN_COLUMNS = `id, function_id, app_id, event_id, status, output, error, event, parent_run_id,
  (extract(epoch from created_at) * 1000)::float8 as created_at,
  (extract(epoch from started_at) * 1000)::float8 as started_at,
  (extract(epoch from ended_at) * 1000)::float8 as ended_at`;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    functionId: r.function_id,
    appId: r.app_id,
    eventId: r.event_id,
    status: r.status,
    output: r.output,
    error: r.error,
    createdAt: new Date(r.created_at),
    startedAt: date(r.started_at),
    endedAt: date(r.ended_at),
    parentRunId: r.parent_run_id,
  };
}
