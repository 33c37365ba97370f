import type { Queryable } from "../sql-client";

/**
 * When a run started (its first call began), for its timeouts: `started_at` once a call's
 * answer was applied, or "in flight" while its first call is out.
 */
export async function loadRunStart(
  q: Queryable,
  runId: string,
): Promise<{ started_at: number | null; in_flight: boolean } | undefined> {
  const [row] = await q.query<{ started_at: number | null; in_flight: boolean }>(
    `select (extract(epoch from r.started_at) * 1000)::float8 as started_at,
            exists (select 1 from engine.jobs j
                    where j.run_id = r.id and j.kind = 'call' and j.locked_at is not null) as in_flight
     from engine.runs r where r.id = $1`,
    [runId],
  );
  return row && { ...row, started_at: row.started_at === null ? null : Number(row.started_at) };
}
