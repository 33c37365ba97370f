import type { Queryable } from "../sql-client";

export type StoredMetadata = {
  step: string;
  scope: string;
  kind: string;
  values: Record<string, unknown>;
  updated_at: Date;
};

/** A run's metadata entries, the run's own (`step` '') and its steps', oldest first. */
export async function listRunMetadata(q: Queryable, runId: string): Promise<StoredMetadata[]> {
  const rows = await q.query<Omit<StoredMetadata, "updated_at"> & { updated_at: number }>(
    `select step, scope, kind, values, (extract(epoch from updated_at) * 1000)::float8 as updated_at
     from engine.run_metadata where run_id = $1 order by updated_at, step, scope, kind`,
    [runId],
  );
  return rows.map((r) => ({ ...r, updated_at: new Date(r.updated_at) }));
}
