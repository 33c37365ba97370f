// A thin raw-SQL layer over both drivers. The executor's hot path avoids the query builder:
// every statement is a prepared text with positional parameters, run either on the pool
// (postgres-js) or on the single PGlite connection.
import postgres from "postgres";
import type { DbHandle } from "@/lib/db/client";
import { preparedPglite } from "@/lib/db/pglite-prepared";

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlClient extends Queryable {
  driver: "pglite" | "postgres";
  /** Runs `fn` in one transaction; rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Releases connections the client opened itself (not the app's). */
  close(): Promise<void>;
}

export type SqlClientOptions = {
  /**
   * PostgreSQL only: commit queue and step writes without waiting for the WAL flush
   * (`synchronous_commit = off`). An executor process killed at any point loses nothing
   * (the server has the commit); only a crash of the database server itself can lose the
   * last fraction of a second of step results, which are then re-run (steps are
   * at-least-once anyway). Accepted events always commit synchronously.
   */
  asyncCommit?: boolean;
  poolSize?: number;
};

// Parameters are passed as text and cast in SQL (`$1::text::jsonb`), so both drivers send
// them identically and postgres-js never re-encodes a JSON string.
type Param = string | number | boolean | null;

function normalize(params: readonly unknown[]): Param[] {
  return params.map((p) => {
    if (p === undefined || p === null) return null;
    if (typeof p === "string" || typeof p === "number" || typeof p === "boolean") return p;
    if (p instanceof Date) return p.toISOString();
    return JSON.stringify(p);
  });
}

export function createSqlClient(handle: DbHandle, options: SqlClientOptions = {}): SqlClient {
  const client = handle.client;
  if (client.kind === "pglite") {
    // Named prepared statements, shared with the app's drizzle (lib/db/pglite-prepared.ts).
    const pglite = preparedPglite(client.pglite);
    return {
      driver: "pglite",
      close: async () => {},
      async query<T extends Row>(text: string, params: readonly unknown[] = []) {
        const res = await pglite.query<T>(text, normalize(params));
        return res.rows;
      },
      tx<T>(fn: (q: Queryable) => Promise<T>) {
        return pglite.transaction(async (t) =>
          fn({
            async query<R extends Row>(text: string, params: readonly unknown[] = []) {
              const res = await t.query<R>(text, normalize(params));
              return res.rows;
            },
          }),
        ) as Promise<T>;
      },
    };
  }
  // With async commits the executor gets its own small pool whose sessions start with
  // synchronous_commit off, so the app's own writes keep the server's default.
  const sql = options.asyncCommit
    ? postgres(client.url, {
        max: options.poolSize ?? 10,
        onnotice: () => {},
        connection: { synchronous_commit: "off" },
      })
    : client.sql;
  return {
    driver: "postgres",
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      return (await sql.unsafe(text, normalize(params) as never[], { prepare: true })) as T[];
    },
    async close() {
      if (sql !== client.sql) await sql.end({ timeout: 5 });
    },
    tx<T>(fn: (q: Queryable) => Promise<T>) {
      return sql.begin(async (t) => {
        return fn({
          async query<R extends Row>(text: string, params: readonly unknown[] = []) {
            return (await t.unsafe(text, normalize(params) as never[], {
              prepare: true,
            })) as R[];
          },
        });
      }) as Promise<T>;
    },
  };
}
