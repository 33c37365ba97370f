import type { Queryable } from "../sql-client";

/**
 * The workers alive now (PostgreSQL): the second keys (hashtext of the worker id) of the
 * advisory locks held in `namespace` (hold-worker-lock.ts). Reads pg_locks only, so it is
 * cheap enough to ask every second; release-orphaned-jobs.ts runs when one has gone.
 */
export async function listLiveWorkers(q: Queryable, namespace: number): Promise<Set<string>> {
  const rows = await q.query<{ objid: string }>(
    `select objid::text as objid from pg_locks
     where locktype = 'advisory' and granted and objsubid = 2 and classid = $1::int4::oid`,
    [namespace],
  );
  return new Set(rows.map((r) => r.objid));
}
