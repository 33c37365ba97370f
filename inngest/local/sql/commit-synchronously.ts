import type { Queryable } from "../sql-client";

/**
 * PostgreSQL only: this transaction waits for the WAL flush even on the executor's
 * async-commit pool, for writes that must survive a crash of the database server.
 */
export async function commitSynchronously(q: Queryable): Promise<void> {
  await q.query("set local synchronous_commit = on");
}
