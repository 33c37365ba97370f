// Retention: ended runs lose their memo, attempts and events after the retention window; runs
// still going, and events that started them, are never touched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness";

const DAY_MS = 86_400_000;

describe.each(["postgres", "pglite"] as const)("executor retention on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    // Pruning at start is off here: the test calls it with a clock of its own.
    h = await createHarness(driver, { engine: { retention: false } });
  });
  afterAll(() => h?.close());

  const count = async (table: string, runId: string) => {
    const [row] = await h.engine.sql.query<{ n: number }>(
      `select count(*)::int as n from engine.${table} where run_id = $1`,
      [runId],
    );
    return row.n;
  };
  const eventExists = async (id: string) => {
    const rows = await h.engine.sql.query("select 1 from engine.events where id = $1", [id]);
    return rows.length > 0;
  };

  it("prunes ended runs past the window with their steps and events, keeps the rest", async () => {
    const doneEvent = await h.send("test/steps", { n: 1 });
    const done = await h.runFor(doneEvent, "steps");
    await h.engine.waitForRun(done);
    const waitingEvent = await h.send("test/wait", { id: "retention" });
    const waiting = await h.runFor(waitingEvent, "waiter");
    expect(await count("steps", done)).toBeGreaterThan(0);
    expect(await count("attempts", done)).toBeGreaterThan(0);

    // Inside the window: nothing goes.
    expect(await h.engine.prune(new Date(Date.now() + DAY_MS))).toEqual({ runs: 0, events: 0 });
    expect(await h.engine.getRun(done)).toBeDefined();

    // Past it (default 7 days): the ended run and its event go, the waiting run stays.
    const pruned = await h.engine.prune(new Date(Date.now() + 8 * DAY_MS));
    expect(pruned.runs).toBeGreaterThanOrEqual(1);
    expect(await h.engine.getRun(done)).toBeUndefined();
    expect(await count("steps", done)).toBe(0);
    expect(await count("attempts", done)).toBe(0);
    expect(await eventExists(doneEvent)).toBe(false);
    expect(["queued", "running"]).toContain((await h.engine.getRun(waiting))?.status);
    expect(await eventExists(waitingEvent)).toBe(true);
  });

  it("prunes in batches until nothing older is left", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await h.send("test/steps", { n: i }));
    const runs = await Promise.all(ids.map((id) => h.runFor(id, "steps")));
    await Promise.all(runs.map((id) => h.engine.waitForRun(id)));
    // 1,200 more ended runs straight in the table (more than two batches of 500).
    await h.engine.sql.query(
      `insert into engine.runs (id, function_id, app_id, event_id, event, status, ended_at)
       select 'seeded-' || g, 'f', 'a', 'e-' || g, '{}'::jsonb, 'completed', now() - interval '30 days'
       from generate_series(1, 1200) g`,
    );
    const pruned = await h.engine.prune(new Date(Date.now() + 8 * DAY_MS));
    expect(pruned.runs).toBe(1203);
    const [left] = await h.engine.sql.query<{ n: number }>(
      "select count(*)::int as n from engine.runs where ended_at is not null",
    );
    expect(left.n).toBe(0);
  });
});

describe("executor retention on its own", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("pglite", { engine: { retention: { keepMs: 50, everyMs: 100 } } });
  });
  afterAll(() => h?.close());

  it("prunes ended runs by itself while it runs", async () => {
    const run = await h.runFor(await h.send("test/steps", { n: 1 }), "steps");
    await h.engine.waitForRun(run);
    await expect
      .poll(async () => (await h.engine.getRun(run)) === undefined, { timeout: 5000 })
      .toBe(true);
  });
});
