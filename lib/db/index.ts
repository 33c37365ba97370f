// The process-wide database: opened and migrated once, shared through globalThis because
// Next.js loads this module separately in each route bundle and in instrumentation.
import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { type DbHandle, openDatabase } from "./client";
import { migrate } from "./migrate";

const globalForDb = globalThis as unknown as { flowchatDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  globalForDb.flowchatDb ??= (async () => {
    const config = env();
    const handle = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      pgliteDir: config.PGLITE_DIR,
    });
    await migrate(handle);
    return handle;
  })().catch((error) => {
    globalForDb.flowchatDb = undefined;
    throw error;
  });
  return globalForDb.flowchatDb;
}

export async function getDb() {
  return (await getDbHandle()).db;
}

/**
 * The handle for a query function: a database that cannot be opened is logged here and
 * reaches the caller as a safe `unavailable:database` error, never as a driver message.
 */
export async function queryDbHandle(): Promise<DbHandle> {
  try {
    return await getDbHandle();
  } catch (error) {
    logError("[database] could not open the database", error);
    throw new AppError("unavailable:database", "The database is not available right now.");
  }
}

export async function queryDb() {
  return (await queryDbHandle()).db;
}
