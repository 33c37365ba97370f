import type { Job } from "../interfaces";
import type { Queryable } from "../sql-client";

/**
 * Claims up to `limit` due jobs in one statement (graphile-worker style). Jobs under a
 * concurrency key are only taken while that key has free slots: the count of its locked
 * jobs plus its rank among the candidates must stay within the limit.
 */
export async function claimJobs(q: Queryable, workerId: string, limit: number): Promise<Job[]> {
  return q.query<Job>(
    `with candidates as (
       select j.id, j.run_at, j.concurrency_key, j.concurrency_limit
       from engine.jobs j
       where j.locked_at is null and j.run_at <= now()
         and (j.concurrency_key is null or j.concurrency_limit > (
           select count(*) from engine.jobs l
           where l.concurrency_key = j.concurrency_key and l.locked_at is not null))
       order by j.run_at, j.id
       limit $2
       for update skip locked
     ), ranked as (
       select c.id, c.concurrency_key, c.concurrency_limit,
              row_number() over (partition by c.concurrency_key order by c.run_at, c.id) as rank
       from candidates c
     ), allowed as (
       select r.id from ranked r
       where r.concurrency_key is null
          or r.rank + (select count(*) from engine.jobs l
                       where l.concurrency_key = r.concurrency_key and l.locked_at is not null)
             <= r.concurrency_limit
     )
     update engine.jobs j set locked_at = now(), locked_by = $1
     from allowed where j.id = allowed.id
     returning j.id, j.kind, j.run_id, j.payload, j.concurrency_key, j.concurrency_limit`,
    [workerId, limit],
  );
}
