import type { ReservedSql } from "postgres";

/**
 * Marks a worker as alive for as long as its process is (PostgreSQL only): takes the session
 * advisory lock (`namespace`, hashtext(workerId)) on a dedicated connection and keeps it.
 * When the process dies, even by SIGKILL, PostgreSQL ends that session and the lock goes
 * with it, which is how other processes tell its claimed jobs are orphaned
 * (release-orphaned-jobs.ts). Returns the lock's release.
 */
export async function holdWorkerLock(
  reserved: ReservedSql,
  namespace: number,
  workerId: string,
): Promise<() => Promise<void>> {
  await reserved`select pg_advisory_lock(${namespace}::int4, hashtext(${workerId}))`;
  return async () => {
    await reserved`select pg_advisory_unlock(${namespace}::int4, hashtext(${workerId}))`.catch(
      () => {},
    );
    reserved.release();
  };
}
