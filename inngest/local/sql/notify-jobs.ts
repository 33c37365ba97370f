import type { Queryable } from "../sql-client";

/** The channel every engine working the queue LISTENs on for new work. */
export const JOBS_CHANNEL = "engine_jobs";

/** Wakes the engines of every process, once the transaction commits. */
export async function notifyJobs(q: Queryable): Promise<void> {
  await q.query(`select pg_notify('${JOBS_CHANNEL}', '')`);
}
