import type { Job } from "../interfaces";
import type { Queryable } from "../sql-client";

/**
 * Claims up to `limit` due jobs in one statement (graphile-worker style). A job carries up
 * to two concurrency keys (Inngest's two limits); it is only taken while every key it
 * carries has a free slot: the key's locked jobs (in either slot: a key shared across
 * functions, scope "env" or "account", may sit in the first slot of one function and the
 * second of another) plus the job's rank among this claim's candidates for that key must
 * stay within the job's limit for it. Jobs without keys never touch the counts. `blocked`
 * is materialized so its counts run once per candidate slot, not once per candidate pair.
 */
export async function claimJobs(
  q: Queryable,
  workerId: string,
  limit: number,
  /** The time jobs are due by (epoch ms); the database's `now()` unless a test's fake clock. */
  now: number | null = null,
): Promise<Job[]> {
  return q.query<Job>(
    `with candidates as (
       select j.id, j.run_at, j.concurrency_key, j.concurrency_limit,
              j.concurrency_key_2, j.concurrency_limit_2
       from engine.jobs j
       where j.locked_at is null
         and j.run_at <= coalesce(to_timestamp($3::float8 / 1000), now())
         and (j.concurrency_key is null or j.concurrency_limit > (
           select count(*) from engine.jobs l
           where l.locked_at is not null
             and (l.concurrency_key = j.concurrency_key or l.concurrency_key_2 = j.concurrency_key)))
         and (j.concurrency_key_2 is null or j.concurrency_limit_2 > (
           select count(*) from engine.jobs l
           where l.locked_at is not null
             and (l.concurrency_key = j.concurrency_key_2 or l.concurrency_key_2 = j.concurrency_key_2)))
       order by j.run_at, j.id
       limit $2
       for update skip locked
     ), slots as (
       select c.id, c.run_at, c.concurrency_key as key, c.concurrency_limit as max
       from candidates c where c.concurrency_key is not null
       union all
       select c.id, c.run_at, c.concurrency_key_2, c.concurrency_limit_2
       from candidates c where c.concurrency_key_2 is not null
     ), ranked as (
       select s.id, s.key, s.max,
              row_number() over (partition by s.key order by s.run_at, s.id) as rank
       from slots s
     ), blocked as materialized (
       select r.id from ranked r
       where r.rank + (
         select count(*) from engine.jobs l
         where l.locked_at is not null
           and (l.concurrency_key = r.key or l.concurrency_key_2 = r.key)) > r.max
     ), allowed as materialized (
       select c.id from candidates c where not exists (select 1 from blocked b where b.id = c.id)
     )
     update engine.jobs j set locked_at = now(), locked_by = $1
     from allowed where j.id = allowed.id
     returning j.id, j.kind, j.run_id, j.payload, j.concurrency_key, j.concurrency_limit,
               j.concurrency_key_2, j.concurrency_limit_2`,
    [workerId, limit, now],
  );
}
