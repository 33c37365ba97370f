// Each integration test file gets its own database: a fresh PostgreSQL database on the local
// server (TEST_POSTGRES_URL, default 127.0.0.1:5432) or an in-memory PGlite.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type TestDatabase = DbHandle & { url?: string; drop(): Promise<void> };

export type DriverName = "postgres" | "pglite";
export const drivers: DriverName[] = ["postgres", "pglite"];

/** Creates an empty PostgreSQL database and returns its URL; `drop` removes it. */
export async function createPostgresDatabase(prefix = "flowchat_test") {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const a = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** A migrated database on the given driver, private to the caller. */
export async function createTestDatabase(driver: DriverName): Promise<TestDatabase> {
  if (driver === "pglite") {
    const handle = await openDatabase({ pgliteDir: "memory://" });
    await migrate(handle);
    return { ...handle, drop: () => handle.close() };
  }
  const created = await createPostgresDatabase();
  const handle = await openDatabase({ databaseUrl: created.url, max: 5 });
  await migrate(handle);
  return {
    ...handle,
    url: created.url,
    async drop() {
      await handle.close();
      await created.drop();
    },
  };
}
