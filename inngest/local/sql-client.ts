// A thin raw-SQL layer over both drivers. The executor's hot path avoids the query builder:
// every statement is a prepared text with positional parameters, run either on the pool
// (postgres-js) or on the single PGlite connection.
import type { DbHandle } from "@/lib/db/client";

export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface SqlClient extends Queryable {
  driver: "pglite" | "postgres";
  /** Runs `fn` in one transaction; rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
}

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

export function createSqlClient(handle: DbHandle): SqlClient {
  const client = handle.client;
  if (client.kind === "pglite") {
    const pglite = client.pglite;
    return {
      driver: "pglite",
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
  const sql = client.sql;
  return {
    driver: "postgres",
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      return (await sql.unsafe(text, normalize(params) as never[], { prepare: true })) as T[];
    },
    tx<T>(fn: (q: Queryable) => Promise<T>) {
      return sql.begin((t) =>
        fn({
          async query<R extends Row>(text: string, params: readonly unknown[] = []) {
            return (await t.unsafe(text, normalize(params) as never[], {
              prepare: true,
            })) as R[];
          },
        }),
      ) as Promise<T>;
    },
  };
}
