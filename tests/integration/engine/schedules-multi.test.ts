// Cron schedules with several executors on one PostgreSQL database, on a fake clock: each
// tick fires exactly once however many engines work the queue, an engine that starts late
// does not fire a tick again, and time zones follow the documented DST policy (jobs/cron.ts,
// README "Running several processes"): a local time that does not exist fires once at the
// first valid minute after the gap, one that occurs twice fires once, at its first occurrence.
import type { Inngest } from "inngest";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { notifyJobs } from "@/inngest/local/sql/notify-jobs";
import { createTestApp } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { waitFor } from "./processes";

const MINUTE = 60_000;

describe("cron schedules with two executors on one PostgreSQL database", () => {
  const databases: TestDatabase[] = [];
  const engines: Engine[] = [];
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    for (const db of databases) await db.drop();
  });

  /** An engine on `db` with its own copy of an app of one cron function, on `clock`. */
  async function startEngine(db: TestDatabase, cron: string, clock: () => number) {
    const app = await createTestApp({
      engineUrl: "http://127.0.0.1:1",
      id: "cron-multi",
      functions: (client: Inngest.Any) => [
        client.createFunction({ id: "tick", triggers: [{ cron }] }, async () => "ticked"),
      ],
    });
    const engine = createEngine({
      db,
      clock,
      pollIntervalMs: 50,
      logger: silentLogger,
      retention: false,
    });
    engines.push(engine);
    await engine.start();
    await engine.sync({ url: app.url, fetch: app.fetch });
    return engine;
  }

  const ticksFired = async (engine: Engine) =>
    (
      await engine.sql.query<{ ts: number }>(
        `select (payload->>'ts')::float8 as ts from engine.events
         where name = 'inngest/scheduled.timer' order by 1`,
      )
    ).map((r) => new Date(r.ts).toISOString());
  const nextTick = async (engine: Engine) => {
    const [job] = await engine.sql.query<{ tick: number; n: number }>(
      `select (payload->>'tick')::float8 as tick, count(*) over ()::int as n
       from engine.jobs where kind = 'cron'`,
    );
    expect(job.n).toBe(1); // one job per schedule, whoever synced it
    return new Date(job.tick).toISOString();
  };

  /** Moves the fake clock to `at` and lets the engines work until `fired` ticks are stored. */
  async function advance(engine: Engine, clock: { now: number }, at: number, fired: number) {
    clock.now = at;
    await notifyJobs(engine.sql);
    await waitFor(
      async () => ((await ticksFired(engine)).length >= fired ? true : undefined),
      10_000,
      `${fired} ticks`,
    );
    // Both engines keep polling: a second firing of the same tick would show by now.
    await new Promise((r) => setTimeout(r, 300));
  }

  it("fires a per-minute schedule exactly once per tick, and a late starter fires nothing again", async () => {
    const db = await createTestDatabase("postgres");
    databases.push(db);
    // A future time, so every job the engines queue by the database's clock is due by it too.
    const start = Date.UTC(2027, 0, 10, 12, 0, 30);
    const clock = { now: start };
    const a = await startEngine(db, "* * * * *", () => clock.now);
    const b = await startEngine(db, "* * * * *", () => clock.now);
    const tick = (n: number) => new Date(start - 30_000 + n * MINUTE).toISOString();
    expect(await nextTick(a)).toBe(tick(1));

    for (let n = 1; n <= 3; n++) {
      await advance(a, clock, Date.parse(tick(n)) + 200, n);
      expect(await ticksFired(b)).toEqual([1, 2, 3].slice(0, n).map(tick));
      expect(await nextTick(b)).toBe(tick(n + 1));
    }
    await expect
      .poll(async () => {
        const rows = await a.sql.query<{ status: string }>("select status from engine.runs");
        return rows.map((r) => r.status).join(",");
      })
      .toBe("completed,completed,completed");

    // A third process starts between two ticks: it syncs the schedule and fires nothing.
    clock.now = Date.parse(tick(3)) + 20_000;
    const late = await startEngine(db, "* * * * *", () => clock.now);
    await notifyJobs(late.sql);
    await new Promise((r) => setTimeout(r, 400));
    expect(await ticksFired(late)).toEqual([tick(1), tick(2), tick(3)]);
    expect(await nextTick(late)).toBe(tick(4));
  }, 60_000);

  it("fires a local time skipped by DST once after the gap, and a repeated one once", async () => {
    const db = await createTestDatabase("postgres");
    databases.push(db);
    // Europe/Berlin, 2027: clocks jump 02:00 → 03:00 on 28 March, and go back 03:00 → 02:00 on
    // 31 October. 02:30 does not exist on the first day and happens twice on the second.
    const clock = { now: Date.parse("2027-03-27T23:00:00Z") }; // 00:00 CET
    const cron = "TZ=Europe/Berlin 30 2 * * *";
    const a = await startEngine(db, cron, () => clock.now);
    await startEngine(db, cron, () => clock.now);
    // The gap: 02:30 that day fires at 03:00 CEST, the first valid minute after it.
    expect(await nextTick(a)).toBe("2027-03-28T01:00:00.000Z");
    await advance(a, clock, Date.parse("2027-03-28T01:00:00.500Z"), 1);
    expect(await nextTick(a)).toBe("2027-03-29T00:30:00.000Z"); // 02:30 CEST the next day

    // No engine runs for months: the missed ticks fire once, late, and then the schedule goes
    // on from the clock (not tick after tick).
    await advance(a, clock, Date.parse("2027-10-30T23:00:00Z"), 2); // 01:00 CEST on the 31st
    expect(await nextTick(a)).toBe("2027-10-31T00:30:00.000Z"); // 02:30 CEST, first pass
    await advance(a, clock, Date.parse("2027-10-31T00:30:00.500Z"), 3);
    // 02:30 CET an hour later is the same local time again: it does not fire.
    expect(await nextTick(a)).toBe("2027-11-01T01:30:00.000Z");
    clock.now = Date.parse("2027-10-31T01:30:00.500Z");
    await notifyJobs(a.sql);
    await new Promise((r) => setTimeout(r, 400));
    expect(await ticksFired(a)).toEqual([
      "2027-03-28T01:00:00.000Z",
      "2027-03-29T00:30:00.000Z",
      "2027-10-31T00:30:00.000Z",
    ]);
  }, 60_000);
});
