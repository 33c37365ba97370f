import type { Queryable } from "../sql-client";

/** Distinct metadata entries (target, scope, kind) one run may hold. */
export const MAX_METADATA_ENTRIES_PER_RUN = 200;

export type MetadataEntry = {
  /** The hashed step id for a step's metadata, '' for the run's. */
  step: string;
  scope: string;
  kind: string;
  values: Record<string, unknown>;
};

/**
 * Merges one metadata update into the run's entry of that target, scope and kind (Inngest's
 * `merge` op: keys of the update replace those stored). Answers `no-run` for an unknown run
 * and `full` when the run already holds its maximum of distinct entries.
 */
export async function mergeRunMetadata(
  q: Queryable,
  runId: string,
  entry: MetadataEntry,
): Promise<"stored" | "no-run" | "full"> {
  const [row] = await q.query<{ run: boolean; stored: boolean }>(
    `with ins as (
       insert into engine.run_metadata as m (run_id, step, scope, kind, values)
       select $1, $2, $3, $4, $5::text::jsonb
       where exists (select 1 from engine.runs where id = $1)
         and (exists (select 1 from engine.run_metadata
                      where run_id = $1 and step = $2 and scope = $3 and kind = $4)
              or (select count(*) from engine.run_metadata where run_id = $1) < $6)
       on conflict (run_id, step, scope, kind) do update
         set values = m.values || excluded.values, updated_at = now()
       returning 1
     )
     select exists (select 1 from engine.runs where id = $1) as run,
            exists (select 1 from ins) as stored`,
    [
      runId,
      entry.step,
      entry.scope,
      entry.kind,
      JSON.stringify(entry.values),
      MAX_METADATA_ENTRIES_PER_RUN,
    ],
  );
  if (!row?.run) return "no-run";
  return row.stored ? "stored" : "full";
}
