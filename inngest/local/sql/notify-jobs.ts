import type { Queryable } from "../sql-client";

/** The channel the leader LISTENs on for new work. */
export const JOBS_CHANNEL = "engine_jobs";

/** Wakes the leader, in whichever process it runs, once the transaction commits. */
export async function notifyJobs(q: Queryable): Promise<void> {
  await q.query(`select pg_notify('${JOBS_CHANNEL}', '')`);
}
