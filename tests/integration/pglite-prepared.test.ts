import { PGlite, types } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PREPARED_MAX, preparedPglite } from "@/lib/db/pglite-prepared";

// The prepared-statement client answers exactly what PGlite's own `query` answers, with each
// text parsed once.
describe("PGlite through prepared statements", () => {
  let pglite: PGlite;
  const preparedCount = async () =>
    (
      await pglite.query<{ n: number }>(
        "select count(*)::int as n from pg_prepared_statements where name like 'flowchat_%'",
      )
    ).rows[0].n;

  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.exec(`
      create table t (
        id int primary key, name text, at timestamptz, doc jsonb, tags text[], big bigint,
        amount numeric, flag boolean
      );
      insert into t values
        (1, 'one', '2026-12-02T10:00:00Z', '{"a":[1,2]}', '{x,y}', 9007199254740993, 1.50, true),
        (2, null, null, null, null, null, null, false);
    `);
  });
  afterAll(async () => {
    await pglite.close();
  });

  it("returns the rows, fields and types PGlite's query returns, in both row modes", async () => {
    const client = preparedPglite(pglite);
    const text = "select * from t where id = any($1::int[]) order by id";
    for (const options of [
      undefined,
      { rowMode: "array" as const },
      // drizzle's own options: timestamps left as text
      { rowMode: "object" as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => v } },
    ]) {
      const expected = await pglite.query(text, [[1, 2]], options);
      const actual = await client.query(text, [[1, 2]], options);
      expect(actual.rows).toEqual(expected.rows);
      expect(actual.fields).toEqual(expected.fields);
    }
    const [row] = (await client.query<{ at: Date; doc: unknown }>(text, [[1]])).rows;
    expect(row.at).toBeInstanceOf(Date);
    expect(row.doc).toEqual({ a: [1, 2] });
  });

  it("serializes parameters by their types (json, arrays, dates, booleans, null)", async () => {
    const client = preparedPglite(pglite);
    const at = new Date("2026-12-02T11:00:00.000Z");
    await client.query(
      "insert into t (id, name, at, doc, tags, big, flag) values ($1, $2, $3, $4, $5, $6, $7)",
      [3, null, at, { b: "ü" }, ["p", "q r"], 12n, true],
    );
    const [row] = (
      await client.query<Record<string, unknown>>("select * from t where id = $1", [3])
    ).rows;
    expect(row).toMatchObject({ name: null, at, doc: { b: "ü" }, tags: ["p", "q r"], flag: true });
    expect(String(row.big)).toBe("12");
    expect(
      (await client.query("update t set name = $1 where id = $2", ["three", 3])).affectedRows,
    ).toBe(1);
  });

  it("parses a text once and runs it again without parsing", async () => {
    const client = preparedPglite(pglite);
    const text = "select name from t where id = $1 /* once */";
    const before = client.prepared;
    for (let i = 0; i < 5; i++)
      expect((await client.query(text, [1])).rows).toEqual([{ name: "one" }]);
    expect(client.prepared).toBe(before + 1);
    expect(await preparedCount()).toBe(client.prepared);
  });

  it("throws PGlite's error for a bad text and keeps nothing of it", async () => {
    const client = preparedPglite(pglite);
    const before = client.prepared;
    const error = await client.query("selec nothing").catch((e) => e);
    expect(error).toMatchObject({ code: "42601", query: "selec nothing" });
    expect(client.prepared).toBe(before);
    // the connection is usable afterwards
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
  });

  it("keeps a statement whose run failed, and runs it again", async () => {
    const client = preparedPglite(pglite);
    const insert = "insert into t (id, name) values ($1, $2)";
    await client.query(insert, [10, "ten"]);
    await expect(client.query(insert, [10, "again"])).rejects.toMatchObject({ code: "23505" });
    await client.query(insert, [11, "eleven"]);
    expect((await client.query("select count(*)::int as n from t where id >= 10")).rows).toEqual([
      { n: 2 },
    ]);
  });

  it("runs a transaction's statements inside it: a rollback undoes them, others wait", async () => {
    const client = preparedPglite(pglite);
    const outside: string[] = [];
    await expect(
      client.transaction(async (tx) => {
        await tx.query("insert into t (id, name) values ($1, $2)", [20, "twenty"]);
        // A statement outside the transaction waits for it to end.
        void client.query("select count(*)::int as n from t where id = 20").then((r) => {
          outside.push(JSON.stringify(r.rows));
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(outside).toEqual([]);
        expect((await tx.query("select name from t where id = $1", [20])).rows).toEqual([
          { name: "twenty" },
        ]);
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    await expect.poll(() => outside).toEqual(['[{"n":0}]']);
    const committed = await client.transaction(async (tx) => {
      await tx.query("insert into t (id, name) values ($1, $2)", [21, "twenty-one"]);
      return "done";
    });
    expect(committed).toBe("done");
    expect((await client.query("select name from t where id = $1", [21])).rows).toEqual([
      { name: "twenty-one" },
    ]);
  });

  it("prepares again a statement whose table changed under it", async () => {
    const client = preparedPglite(pglite);
    await client.query("create table wide (a int)");
    await client.query("insert into wide values (1)");
    const text = "select * from wide";
    expect((await client.query(text)).rows).toEqual([{ a: 1 }]);
    await client.query("alter table wide add column b text default 'x'");
    expect((await client.query(text)).rows).toEqual([{ a: 1, b: "x" }]);
  });

  it(`keeps at most ${PREPARED_MAX} statements, closing the least recently used`, async () => {
    const client = preparedPglite(pglite);
    const hot = "select 'hot' as v";
    await client.query(hot);
    for (let i = 0; i < PREPARED_MAX + 20; i++) {
      expect((await client.query(`select ${i}::int as v`)).rows).toEqual([{ v: i }]);
      if (i % 100 === 0) await client.query(hot);
    }
    await client.query("select 1");
    expect(client.prepared).toBe(PREPARED_MAX);
    // Evicted statements are closed in front of the next call; the hot one stayed.
    expect(await preparedCount()).toBeLessThanOrEqual(PREPARED_MAX + 1);
    const before = client.prepared;
    await client.query(hot);
    expect(client.prepared).toBe(before);
  });

  it("is one client per database however often this module is loaded", async () => {
    // A second instance of the module (another bundle, a dev server's reload).
    vi.resetModules();
    const again = await import("@/lib/db/pglite-prepared");
    expect(again.preparedPglite).not.toBe(preparedPglite);
    expect(again.preparedPglite(pglite)).toBe(preparedPglite(pglite));
    const other = new PGlite();
    try {
      expect(preparedPglite(other)).not.toBe(preparedPglite(pglite));
      expect((await preparedPglite(other).query("select 2 as two")).rows).toEqual([{ two: 2 }]);
    } finally {
      await other.close();
    }
  });

  it("delivers notifications while statements run prepared", async () => {
    const client = preparedPglite(pglite);
    const received: string[] = [];
    const stop = await pglite.listen("prepared_test", (p) => received.push(p));
    await client.query("select pg_notify($1, $2)", ["prepared_test", "hello"]);
    await expect.poll(() => received).toEqual(["hello"]);
    await stop();
  });
});
