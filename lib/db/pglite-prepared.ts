// PGlite's `query` parses and plans its statement on every call (an unnamed statement, in six
// trips into the engine). With the small tables of an app, planning is most of a statement's
// cost: the executor's job claim costs ~0.75 ms that way and ~0.07 ms as a prepared
// statement. `preparedPglite` answers the same `query` and `transaction` (what drizzle and the
// executor call) with named prepared statements: a text is parsed once per PGlite instance,
// then each call is one trip (bind, describe, execute, sync), under the same locks and with
// the same type serializers and parsers as PGlite's own `query`, so results are the same.
// postgres-js prepares its statements the same way.
import {
  type PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
} from "@electric-sql/pglite";

type DatabaseError = Error & { code?: string };

/** The part of PGlite's interface drizzle and the executor use. */
export type PreparedPglite = {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  exec: PGlite["exec"];
  /** Statements prepared now (tests). */
  readonly prepared: number;
};

/** How many texts stay prepared; past it the least recently used is closed. */
export const PREPARED_MAX = 500;

type Statement = { name: string; paramTypes: number[] };

// One client per PGlite instance for the whole process: kept on globalThis, since a Next.js
// build may hold this module in several bundles (the executor's, each route's) and a dev
// server re-evaluates it on reload, while the database handle stays the same.
const CLIENTS = Symbol.for("flowchat.preparedPglite");
const registry = globalThis as unknown as Record<symbol, WeakMap<PGlite, PreparedPglite>>;
registry[CLIENTS] ??= new WeakMap();
const clients = registry[CLIENTS];

/** The prepared-statement client of `pglite` (one per instance: its statements are its own). */
export function preparedPglite(pglite: PGlite): PreparedPglite {
  let client = clients.get(pglite);
  if (!client) {
    client = create(pglite);
    clients.set(pglite, client);
  }
  return client;
}

const { serialize } = protocol;

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function create(pglite: PGlite): PreparedPglite {
  // Insertion order is recency order: a hit is moved to the end, the first is evicted.
  const statements = new Map<string, Statement>();
  /** Evicted statements, closed in front of the next call (inside its lock). */
  let closing: string[] = [];
  let counter = 0;
  // Names unique to this client, should two ever share a database.
  const prefix = `flowchat_${Math.random().toString(36).slice(2, 8)}_`;

  /** Close messages for the evicted statements (closing one that is gone is no error). */
  const closeEvicted = () => {
    const names = closing;
    closing = [];
    return names.map((name) => serialize.close({ type: "S", name }));
  };

  const asPgliteError = (
    error: unknown,
    text: string,
    params: unknown[],
    options?: QueryOptions,
  ) => {
    const e = error as DatabaseError & {
      query?: string;
      params?: unknown[];
      queryOptions?: unknown;
    };
    if (e && typeof e === "object" && "code" in e) {
      e.query = text;
      e.params = params;
      e.queryOptions = options;
    }
    return e;
  };

  /** Parses `text` as a named statement and learns its parameters' types (once per text). */
  async function prepare(text: string, options?: QueryOptions): Promise<Statement> {
    const name = `${prefix}${++counter}`;
    const messages = await pglite.execProtocolStream(
      concat([
        ...closeEvicted(),
        serialize.parse({ name, text, types: options?.paramTypes }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(text, statement);
    if (statements.size > PREPARED_MAX) {
      const [oldest] = statements.keys();
      closing.push((statements.get(oldest) as Statement).name);
      statements.delete(oldest);
    }
    return statement;
  }

  async function run<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
    inTransaction: boolean,
  ): Promise<Results<T>> {
    let statement = statements.get(text);
    if (statement) {
      statements.delete(text);
      statements.set(text, statement);
    } else {
      statement = await prepare(text, options);
    }
    const { paramTypes } = statement;
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = options?.serializers?.[paramTypes[i]] ?? pglite.serializers[paramTypes[i]];
      return serializer ? serializer(param) : String(param);
    });
    const messages = await pglite.execProtocolStream(
      concat([
        ...closeEvicted(),
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    if (!inTransaction) await pglite.syncToFs();
    return parse.parseResults(messages, pglite.parsers, options)[0] as Results<T>;
  }

  /** Runs `text`; a statement the schema changed under is prepared again once. */
  async function query<T>(
    text: string,
    params: unknown[] = [],
    options: QueryOptions | undefined,
    inTransaction: boolean,
  ): Promise<Results<T>> {
    return pglite._runExclusiveQuery(async () => {
      try {
        return await run<T>(text, params, options, inTransaction);
      } catch (error) {
        // "cached plan must not change result type": a migration changed a table under it.
        if ((error as DatabaseError).code === "0A000" && !inTransaction) {
          const stale = statements.get(text);
          if (stale) {
            statements.delete(text);
            closing.push(stale.name);
          }
          try {
            return await run<T>(text, params, options, inTransaction);
          } catch (again) {
            throw asPgliteError(again, text, params, options);
          }
        }
        throw asPgliteError(error, text, params, options);
      }
    });
  }

  return {
    get prepared() {
      return statements.size;
    },
    async query<T>(text: string, params?: unknown[], options?: QueryOptions) {
      // Blobs (COPY to or from /dev/blob) take PGlite's own path, in or out of a transaction.
      if (options?.blob) return pglite.query<T>(text, params, options);
      await pglite._checkReady();
      return pglite._runExclusiveTransaction(() => query<T>(text, params, options, false));
    },
    transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      return pglite.transaction((tx) =>
        fn({
          query: async <R>(text: string, params?: unknown[], options?: QueryOptions) => {
            if (tx.closed) throw new Error("Transaction is closed");
            if (options?.blob) return tx.query<R>(text, params, options);
            return query<R>(text, params, options, true);
          },
          exec: tx.exec,
          rollback: tx.rollback,
          listen: tx.listen,
          sql: tx.sql,
          get closed() {
            return tx.closed;
          },
        }),
      );
    },
    exec: (text, options) => pglite.exec(text, options),
  };
}
