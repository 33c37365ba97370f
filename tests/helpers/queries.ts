// Points the app's process-wide database (lib/db) at a test database, then loads the queries.
import type { DbHandle } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { resetSecretsKeyForTests } from "@/lib/secrets/key";
import { createTestDatabase, type DriverName, type TestDatabase } from "./database";
import { suiteResource } from "./suite-resource";

export async function useDatabaseForQueries(handle: DbHandle) {
  (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb =
    Promise.resolve(handle);
  return import("@/lib/db/queries");
}

/**
 * A private database the app's queries use, for the enclosing describe block (or file):
 * created and pointed at before its tests, dropped after them. `env` settings apply from
 * before it is created until it is dropped (then the environment, and the secrets key derived
 * from it, are what they were).
 */
export function queriesDatabase(
  driver: DriverName,
  { env = {} }: { env?: Record<string, string> } = {},
): TestDatabase {
  const saved = { ...process.env };
  return suiteResource(
    async () => {
      Object.assign(process.env, env);
      resetEnvForTests();
      resetSecretsKeyForTests();
      const database = await createTestDatabase(driver);
      await useDatabaseForQueries(database);
      return database;
    },
    {
      close: async (database) => {
        process.env = saved;
        resetEnvForTests();
        resetSecretsKeyForTests();
        await database.drop();
      },
    },
  );
}
