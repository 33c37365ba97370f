// Applies the drizzle-kit migrations in drizzle/ on either driver. Safe to call from several
// processes at once on PostgreSQL: an advisory lock serializes them.
import type { DbHandle } from "./client";
import { migrationsFolder } from "./client";

const MIGRATION_LOCK = 4_215_310_017;

export async function migrate(handle: DbHandle, folder = migrationsFolder): Promise<void> {
  if (handle.client.kind === "pglite") {
    const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
    // biome-ignore lint/suspicious/noExplicitAny: the handle's db is the PGlite flavour here
    await migratePglite(handle.db as any, { migrationsFolder: folder });
    return;
  }
  const { migrate: migratePostgres } = await import("drizzle-orm/postgres-js/migrator");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { default: postgres } = await import("postgres");
  // Session-level advisory locks need one dedicated connection for the whole migration.
  const sql = postgres(handle.client.url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzle(sql), { migrationsFolder: folder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
