// Points the app's process-wide database (lib/db) at a test database, then loads the queries.
import type { DbHandle } from "@/lib/db/client";

export async function useDatabaseForQueries(handle: DbHandle) {
  (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb =
    Promise.resolve(handle);
  return import("@/lib/db/queries");
}
