import type { Queryable } from "../sql-client";

/**
 * Gives back to the queue the jobs claimed by workers that are gone (PostgreSQL, several
 * processes): a live worker holds the advisory lock (`namespace`, hashtext(its id)) for as
 * long as its session lasts (hold-worker-lock.ts), so a claimed job whose owner holds no
 * such lock belongs to a dead process. Its call is made again by whoever claims it next,
 * at the same attempt. Returns the ids released.
 */
export async function releaseOrphanedJobs(q: Queryable, namespace: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `update engine.jobs j set locked_at = null, locked_by = null
     where j.locked_at is not null
       and not exists (
         select 1 from pg_locks l
         where l.locktype = 'advisory' and l.granted and l.objsubid = 2
           and l.classid = $1::int4::oid and l.objid = hashtext(j.locked_by)::oid)
     returning j.id`,
    [namespace],
  );
  return rows.map((r) => r.id);
}
