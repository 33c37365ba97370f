// One database handle for the whole process: PostgreSQL (postgres-js) when a URL is given,
// embedded PGlite otherwise. Both speak the same drizzle API and LISTEN/NOTIFY.
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { lockDataDir } from "./pglite-lock";
import { preparedPglite } from "./pglite-prepared";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** What `db.transaction(async (tx) => …)` hands its callback. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type DbHandle = {
  db: Database;
  driver: "pglite" | "postgres";
  /** The underlying client, for code (like the executor) that speaks SQL directly. */
  client: { kind: "pglite"; pglite: PGlite } | { kind: "postgres"; sql: Sql; url: string };
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
};

export type DbOptions = {
  /** postgres:// URL; when absent, PGlite at `pgliteDir` (or in memory with "memory://"). */
  databaseUrl?: string;
  pgliteDir?: string;
  /** Pool size for postgres-js. */
  max?: number;
};

export const migrationsFolder = path.join(process.cwd(), "drizzle");

export async function openDatabase(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.max ?? 10);
  return openPglite(options.pgliteDir ?? "memory://");
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const sql = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(sql, { schema }) as unknown as Database;
  return {
    db,
    driver: "postgres",
    client: { kind: "postgres", sql, url },
    async listen(channel, onPayload) {
      const sub = await sql.listen(channel, onPayload);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await sql.notify(channel, payload);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const inMemory = dir.startsWith("memory://");
  const release = inMemory ? () => {} : lockDataDir(path.resolve(dir));
  let pglite: PGlite;
  try {
    pglite = new PGlite(inMemory ? undefined : path.resolve(dir));
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  // Drizzle's statements go through the prepared-statement client (pglite-prepared.ts).
  const db = drizzle({
    client: preparedPglite(pglite) as unknown as PGlite,
    schema,
  }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    client: { kind: "pglite", pglite },
    listen: (channel, onPayload) => pglite.listen(channel, onPayload),
    async notify(channel, payload) {
      await pglite.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async close() {
      await pglite.close();
      release();
    },
  };
}
