import type { ReservedSql } from "postgres";

/**
 * Tries to take the session advisory lock `key` on a dedicated connection (PostgreSQL only):
 * whoever holds it leads. Returns the lock's release, or undefined when another session holds
 * it. The connection stays reserved while the lock is held and is given back on release.
 */
export async function acquireLeaderLock(
  reserved: ReservedSql,
  key: number,
): Promise<(() => Promise<void>) | undefined> {
  const [row] = await reserved`select pg_try_advisory_lock(${key}) as locked`;
  if (!row.locked) {
    reserved.release();
    return undefined;
  }
  return async () => {
    await reserved`select pg_advisory_unlock(${key})`.catch(() => {});
    reserved.release();
  };
}
