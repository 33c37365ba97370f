// The process-wide database: opened and migrated once, shared through globalThis because
// Next.js loads this module separately in each route bundle and in instrumentation.
import "server-only";
import { env } from "@/lib/env";
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
