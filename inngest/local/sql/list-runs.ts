import type { RunStatus, RunSummary } from "../interfaces";
import type { Queryable } from "../sql-client";
import { RUN_COLUMNS, type RunRow, toSummary } from "./run-row";

export type ListRunsFilter = {
  functionId?: string;
  status?: RunStatus;
  eventId?: string;
  limit?: number;
};

/** Newest first. */
export async function listRuns(q: Queryable, filter: ListRunsFilter = {}): Promise<RunSummary[]> {
  const rows = await q.query<RunRow>(
    `select ${RUN_COLUMNS} from engine.runs
     where ($1::text is null or function_id = $1) and ($2::text is null or status = $2)
       and ($3::text is null or event_id = $3)
     order by created_at desc, id desc limit $4`,
    [filter.functionId ?? null, filter.status ?? null, filter.eventId ?? null, filter.limit ?? 100],
  );
  return rows.map(toSummary);
}
