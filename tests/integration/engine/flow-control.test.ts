// Contract tests for Inngest's flow control: real functions (inngest 4's own serve())
// declaring idempotency, concurrency limits and scopes, singleton, timeouts, debounce,
// rateLimit, throttle and priority, driven by the executor in-process on PGlite and over
// HTTP on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { type RunSummary, silentLogger } from "@/inngest/local/interfaces";
import { createFlowFunctions } from "@/tests/fixtures/inngest-app/flow-functions";
import { createHarness, fastBackoff, type Harness } from "./harness";

const setups = [
  { driver: "pglite", http: false },
  { driver: "postgres", http: true },
] as const;

let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The most steps of `entries` that ever ran at the same time. */
function overlaps(entries: { at: number; phase: string }[]) {
  const sorted = [...entries].sort((a, b) => a.at - b.at || (a.phase === "end" ? -1 : 1));
  let active = 0;
  let max = 0;
  for (const e of sorted) {
    active += e.phase === "start" ? 1 : -1;
    max = Math.max(max, active);
  }
  return max;
}

describe.each(setups)("flow control on $driver (http: $http)", ({ driver, http }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { http, app: { id: "flow", functions: createFlowFunctions } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const fnId = (fn: string) => `${h.app.id}-${fn}`;
  async function runsOf(fn: string, eventIds: string[]): Promise<RunSummary[]> {
    const runs = await Promise.all(
      eventIds.map((eventId) => h.engine.listRuns({ eventId, functionId: fnId(fn) })),
    );
    return runs.flat();
  }
  /** Every run of `fn` whose event carries `data.user === user`, oldest first. */
  async function runsForUser(fn: string, user: string) {
    const runs = await h.engine.listRuns({ functionId: fnId(fn), limit: 500 });
    const mine = [];
    for (const run of runs) {
      const detail = await h.engine.getRun(run.id);
      if ((detail?.event as { data?: { user?: string } })?.data?.user === user) mine.push(detail);
    }
    return mine
      .filter((r) => r !== undefined)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  it("cron jitter: each tick fires at a random time within the jitter after it", async () => {
    const tick = async () => {
      const [job] = await h.engine.sql.query<{ id: string; at: string; later: boolean }>(
        `select id, to_char(run_at at time zone 'Europe/Paris', 'HH24:MI:SS') as at,
                run_at > now() + interval '1 minute' as later
         from engine.jobs where kind = 'cron' and payload ->> 'functionId' = $1`,
        [fnId("jittered")],
      );
      return job;
    };
    const first = await tick();
    expect(first.at >= "09:00:00" && first.at < "09:10:00").toBe(true);
    await h.engine.sql.query("update engine.jobs set run_at = now() where id = $1", [first.id]);
    await h.engine.send({ name: "test/nudge" });
    await expect.poll(() => h.app.tracker.count("jittered"), { timeout: 10_000 }).toBe(1);
    const next = await tick();
    expect(next.later).toBe(true);
    expect(next.at >= "09:00:00" && next.at < "09:10:00").toBe(true);
  });

  describe.concurrent("flow control", () => {
    it("idempotency: starts one run per key, later events with the same key start nothing", async ({
      expect,
    }) => {
      const delivery = uniq("delivery");
      const other = uniq("delivery");
      const first = await h.send("flow/idem", { delivery, n: 1 });
      const firstRun = await h.engine.waitForRun(await h.runFor(first, "idempotent"));
      expect(firstRun.output).toBe(1);
      const repeats = [];
      for (const n of [2, 3]) repeats.push(await h.send("flow/idem", { delivery, n }));
      const otherId = await h.send("flow/idem", { delivery: other, n: 4 });
      await h.engine.waitForRun(await h.runFor(otherId, "idempotent"));
      // The repeats were matched before the later event (one queue, in order): no runs.
      await pause(300);
      expect(await runsOf("idempotent", repeats)).toEqual([]);
      expect(h.app.tracker.count(`idem:${delivery}`)).toBe(1);
      expect(h.app.tracker.count(`idem:${other}`)).toBe(1);
    });

    it("concurrency: two limits, the function's and a key's, both hold", async ({ expect }) => {
      const tag = uniq("two");
      const users = ["u1", "u2", "u3"];
      const ids = await Promise.all(
        [...users, ...users].map((user) => h.send("flow/two-limits", { user, tag })),
      );
      const runIds = await Promise.all(ids.map((id) => h.runFor(id, "two-limits")));
      const results = await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      expect(results.every((r) => r.status === "completed")).toBe(true);
      const mine = h.app.tracker.log.filter((e) => e.key.startsWith(`two:${tag}:`));
      expect(mine).toHaveLength(12);
      expect(overlaps(mine)).toBe(2);
      for (const user of users) {
        expect(overlaps(mine.filter((e) => e.key === `two:${tag}:${user}`))).toBe(1);
      }
    });

    it("concurrency: a sleeping run holds no slot, as in Inngest (steps, not runs, count)", async ({
      expect,
    }) => {
      const sleeper = uniq("nap");
      const sleeping = await h.runFor(
        await h.send("flow/napper", { id: sleeper, nap: "10s" }),
        "napper",
      );
      await expect
        .poll(
          async () =>
            (
              await h.engine.sql.query(
                "select 1 from engine.jobs where run_id = $1 and kind = 'sleep'",
                [sleeping],
              )
            ).length,
        )
        .toBe(1);
      const quick = uniq("nap");
      const done = await h.engine.waitForRun(
        await h.runFor(await h.send("flow/napper", { id: quick }), "napper"),
        { timeoutMs: 8000 },
      );
      expect(done.output).toBe(quick);
      expect((await h.engine.getRun(sleeping))?.status).toBe("running");
    });

    it("cancelOn: a matching event cancels only within the window's timeout", async ({
      expect,
    }) => {
      const inside = uniq("window");
      const outside = uniq("window");
      const insideRun = await h.runFor(
        await h.send("flow/cancel-window", { id: inside }),
        "cancel-window",
      );
      const outsideRun = await h.runFor(
        await h.send("flow/cancel-window", { id: outside }),
        "cancel-window",
      );
      await h.send("flow/stop", { id: inside });
      await pause(2600);
      await h.send("flow/stop", { id: outside });
      expect((await h.engine.waitForRun(insideRun)).status).toBe("cancelled");
      const finished = await h.engine.waitForRun(outsideRun);
      expect(finished.status).toBe("completed");
      expect(h.app.tracker.count(`cancel-window:${inside}`)).toBe(0);
      expect(h.app.tracker.count(`cancel-window:${outside}`)).toBe(1);
    });

    it('concurrency: an "env" scoped key is one limit shared by every function declaring it', async ({
      expect,
    }) => {
      const tag = uniq("shared");
      // Each event triggers both functions: three each, one pool slot between them.
      const ids = await Promise.all([1, 2, 3].map(() => h.send("flow/shared", { tag })));
      const runIds = (
        await Promise.all(ids.flatMap((id) => [h.runFor(id, "shared-a"), h.runFor(id, "shared-b")]))
      ).flat();
      await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      const mine = h.app.tracker.log.filter((e) => e.key.startsWith(`shared:${tag}:`));
      expect(mine).toHaveLength(12);
      expect(overlaps(mine)).toBe(1);
    });

    it("singleton skip: no second run for a key while one is active, a new one after", async ({
      expect,
    }) => {
      const user = uniq("single");
      const first = await h.send("flow/singleton-skip", { user, n: 1, hold: "1s" });
      const firstRun = await h.runFor(first, "singleton-skip");
      const skipped = await h.send("flow/singleton-skip", { user, n: 2 });
      const otherUser = await h.send("flow/singleton-skip", {
        user: `${user}-b`,
        n: 3,
        hold: "1ms",
      });
      const otherRun = await h.engine.waitForRun(await h.runFor(otherUser, "singleton-skip"));
      expect(otherRun.output).toBe(3);
      expect(await runsOf("singleton-skip", [skipped])).toEqual([]);
      expect((await h.engine.waitForRun(firstRun)).output).toBe(1);
      const later = await h.send("flow/singleton-skip", { user, n: 4, hold: "1ms" });
      expect((await h.engine.waitForRun(await h.runFor(later, "singleton-skip"))).output).toBe(4);
    });

    it("singleton cancel: a new run for the key cancels the active one and starts", async ({
      expect,
    }) => {
      const user = uniq("replace");
      const first = await h.send("flow/singleton-cancel", { user, n: 1, hold: "30s" });
      const firstRun = await h.runFor(first, "singleton-cancel");
      await expect
        .poll(async () => (await h.engine.getRun(firstRun))?.status, { timeout: 10_000 })
        .toBe("running");
      const second = await h.send("flow/singleton-cancel", { user, n: 2, hold: "1ms" });
      const secondRun = await h.engine.waitForRun(await h.runFor(second, "singleton-cancel"));
      expect(secondRun.status).toBe("completed");
      expect(secondRun.output).toBe(2);
      const cancelled = await h.engine.waitForRun(firstRun);
      expect(cancelled.status).toBe("cancelled");
      expect((cancelled.error as { message: string }).message).toContain("Replaced by a newer run");
      expect(h.app.tracker.count("singleton-cancel:1")).toBe(0);
    });

    it("timeouts.start: a run that cannot start in time is cancelled with the reason", async ({
      expect,
    }) => {
      const blocker = await h.send("flow/start-timeout", { n: uniq("block"), ms: 2500 });
      const blockerRun = await h.runFor(blocker, "start-timeout");
      await expect
        .poll(() => h.app.tracker.log.some((e) => e.key.startsWith("start-timeout:block")))
        .toBe(true);
      const late = await h.send("flow/start-timeout", { n: uniq("late"), ms: 10 });
      const lateRun = await h.engine.waitForRun(await h.runFor(late, "start-timeout"));
      expect(lateRun.status).toBe("cancelled");
      expect((lateRun.error as { message: string }).message).toBe(
        "Timed out: the run did not start within 1s",
      );
      expect(lateRun.steps).toEqual([]);
      expect((await h.engine.waitForRun(blockerRun)).status).toBe("completed");
    });

    it("timeouts.finish: a run still going after its bound is cancelled with the reason", async ({
      expect,
    }) => {
      const id = uniq("finish");
      const started = Date.now();
      const run = await h.engine.waitForRun(
        await h.runFor(await h.send("flow/finish-timeout", { id, nap: "20s" }), "finish-timeout"),
      );
      expect(run.status).toBe("cancelled");
      expect((run.error as { message: string }).message).toBe(
        "Timed out: the run did not finish within 3s",
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(h.app.tracker.count(`finish-timeout:${id}:first`)).toBe(1);
      expect(h.app.tracker.count(`finish-timeout:${id}:after`)).toBe(0);

      const quick = uniq("finish");
      const done = await h.engine.waitForRun(
        await h.runFor(await h.send("flow/finish-timeout", { id: quick }), "finish-timeout"),
      );
      expect(done.status).toBe("completed");
    });

    it("debounce: a burst runs once, with its last event, after it settles", async ({ expect }) => {
      const user = uniq("burst");
      const other = uniq("burst");
      for (let n = 1; n <= 20; n++) {
        await h.send("flow/debounce", { user, n });
        if (n === 10) await h.send("flow/debounce", { user: other, n: 100 });
      }
      await expect
        .poll(async () => (await runsForUser("debounced", user)).length, { timeout: 10_000 })
        .toBe(1);
      const [run] = await runsForUser("debounced", user);
      expect((await h.engine.waitForRun(run.id)).output).toBe(20);
      const [otherRun] = await runsForUser("debounced", other);
      expect((await h.engine.waitForRun(otherRun.id)).output).toBe(100);
      // Nothing else fires later for the same burst.
      await pause(2500);
      expect(await runsForUser("debounced", user)).toHaveLength(1);
    });

    it("debounce timeout: a burst that never settles still runs once the timeout passes", async ({
      expect,
    }) => {
      const user = uniq("endless");
      const started = Date.now();
      let n = 0;
      // Events every 300 ms for 3.3 s: the 1 s period never passes, the 2 s timeout does.
      while (Date.now() - started < 3300) {
        await h.send("flow/debounce-capped", { user, n: ++n });
        await pause(300);
      }
      const runsDuringBurst = await runsForUser("debounced-capped", user);
      expect(runsDuringBurst.length).toBeGreaterThanOrEqual(1);
      await expect
        .poll(
          async () => {
            const runs = await runsForUser("debounced-capped", user);
            const last = runs.at(-1);
            return last && (await h.engine.waitForRun(last.id)).output;
          },
          { timeout: 10_000 },
        )
        .toBe(n);
    });

    it("batchEvents: full batches start at once, the rest when the timeout passes", async ({
      expect,
    }) => {
      const user = uniq("batch");
      for (let n = 1; n <= 5; n++) await h.send("flow/batch", { user, n, batch: true });
      // Left out by the batch's `if`: runs on its own, as a batch of one.
      const alone = await h.send("flow/batch", { user, n: 99 });
      const aloneRun = await h.engine.waitForRun(await h.runFor(alone, "batched"));
      expect(aloneRun.output).toEqual({ first: 99, all: [99] });
      await expect
        .poll(async () => (await runsForUser("batched", user)).length, { timeout: 10_000 })
        .toBe(3);
      const outputs = await Promise.all(
        (await runsForUser("batched", user)).map(
          async (r) => (await h.engine.waitForRun(r.id)).output,
        ),
      );
      // Which events share a batch follows the order the executor takes them in: events sent
      // a few ms apart may be taken concurrently, so membership is checked, not send order.
      const batches = (outputs as { first: number; all: number[] }[]).filter((o) => o.first !== 99);
      expect(batches.map((b) => b.all.length).sort()).toEqual([2, 3]);
      for (const b of batches) expect(b.first).toBe(b.all[0]);
      expect(batches.flatMap((b) => b.all).sort()).toEqual([1, 2, 3, 4, 5]);
      const left = await h.engine.sql.query("select 1 from engine.batches where key like $1", [
        `%${user}%`,
      ]);
      expect(left).toEqual([]);
    });

    it("event meta: step.invoke carries the caller's sessions, a manual one wins", async ({
      expect,
    }) => {
      const org = uniq("org");
      const { ids } = await h.app.client.send({
        name: "flow/session-parent",
        data: { manual: { org: "override", tenant: "t-1" } },
        meta: { sessions: { org } },
      });
      const parent = await h.engine.waitForRun(await h.runFor(ids[0], "session-parent"), {
        timeoutMs: 20_000,
      });
      expect(parent.status).toBe("completed");
      expect(parent.output).toEqual({
        plain: { org },
        manual: { org: "override", tenant: "t-1" },
      });
    });

    it("rateLimit: events over the limit per key start nothing", async ({ expect }) => {
      const user = uniq("rate");
      const ids = [];
      for (let n = 1; n <= 5; n++) ids.push(await h.send("flow/rate", { user, n }));
      const otherId = await h.send("flow/rate", { user: `${user}-b`, n: 9 });
      expect((await h.engine.waitForRun(await h.runFor(otherId, "rate-limited"))).output).toBe(9);
      await pause(300);
      const runs = await runsOf("rate-limited", ids);
      expect(runs).toHaveLength(2);
      const outputs = await Promise.all(
        runs.map(async (r) => (await h.engine.waitForRun(r.id)).output),
      );
      // Two of the five, whichever the executor took first (events sent ms apart may be taken
      // concurrently, so not necessarily the first two sent).
      expect(new Set(outputs).size).toBe(2);
      for (const n of outputs) expect([1, 2, 3, 4, 5]).toContain(n);
    });

    it("throttle: runs over the limit are delayed, not dropped (limit + burst at once)", async ({
      expect,
    }) => {
      const user = uniq("throttle");
      const sent = Date.now();
      const ids = [];
      for (let n = 1; n <= 4; n++) ids.push(await h.send("flow/throttle", { user, n }));
      const runIds = await Promise.all(ids.map((id) => h.runFor(id, "throttled")));
      const results = await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      expect(results.map((r) => r.status)).toEqual([
        "completed",
        "completed",
        "completed",
        "completed",
      ]);
      const at = (n: number) => h.app.tracker.values.get(`throttle:${user}:${n}`) as number;
      // limit 1 + burst 1 start at once, then one per period (3 s).
      expect(at(2) - sent).toBeLessThan(2900);
      expect(at(3) - sent).toBeGreaterThanOrEqual(2900);
      expect(at(4) - sent).toBeGreaterThanOrEqual(5900);
    });

    it("priority.run: a higher factor goes ahead of queued runs, a negative one waits", async ({
      expect,
    }) => {
      const tag = uniq("prio");
      const blocker = await h.send("flow/priority", {
        tag,
        name: "blocker",
        priority: 0,
        ms: 6000,
      });
      await h.runFor(blocker, "prioritized");
      await expect
        .poll(() => h.app.tracker.log.some((e) => e.key === `priority:${tag}:blocker`))
        .toBe(true);
      const ids = [];
      for (const [name, priority] of [
        ["low-1", 0],
        ["low-2", 0],
        ["high", 300],
      ] as const) {
        ids.push(await h.send("flow/priority", { tag, name, priority }));
      }
      const runIds = await Promise.all(ids.map((id) => h.runFor(id, "prioritized")));
      // All three were queued behind the blocker (else the order says nothing).
      expect(
        h.app.tracker.log.some((e) => e.key === `priority:${tag}:blocker` && e.phase === "end"),
      ).toBe(false);
      await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      const order = h.app.tracker.log
        .filter((e) => e.key.startsWith(`priority:${tag}:`) && e.phase === "start")
        .map((e) => e.key.split(":")[2]);
      expect(order).toEqual(["blocker", "high", "low-1", "low-2"]);

      const waited = await h.send("flow/priority", { tag, name: "negative", priority: -2 });
      const run = await h.engine.waitForRun(await h.runFor(waited, "prioritized"));
      expect((run.startedAt as Date).getTime() - run.createdAt.getTime()).toBeGreaterThanOrEqual(
        1900,
      );
    });
  });
});

describe.each(setups)("flow-control state across a restart on $driver", ({ driver, http }) => {
  let h: Harness;
  let next: Engine | undefined;
  beforeAll(async () => {
    h = await createHarness(driver, { http, app: { id: "flow", functions: createFlowFunctions } });
  });
  afterAll(async () => {
    await next?.stop();
    await h?.close();
  });

  it("keeps open debounces, batches and throttle delays in tables: a new engine finishes them", async () => {
    const user = uniq("restart");
    for (const n of [1, 2, 3]) await h.engine.send({ name: "flow/debounce", data: { user, n } });
    for (const n of [1, 2])
      await h.engine.send({ name: "flow/batch", data: { user, n, batch: true } });
    for (const n of [1, 2, 3]) await h.engine.send({ name: "flow/throttle", data: { user, n } });
    const count = async (sql: string) => (await h.engine.sql.query(sql, [`%${user}%`])).length;
    // Wait until the first engine matched them all, then stop it before anything fires.
    await expect
      .poll(async () => {
        const [batch] = await h.engine.sql.query<{ n: number }>(
          "select jsonb_array_length(event_ids) as n from engine.batches where key like $1",
          [`%${user}%`],
        );
        return [
          await count("select 1 from engine.debounces where key like $1"),
          Number(batch?.n ?? 0),
          await count("select 1 from engine.flow_limits where key like $1"),
          await count("select 1 from engine.jobs where kind = 'event' and payload::text like $1"),
        ];
      })
      .toEqual([1, 2, 1, 0]);
    await h.engine.stop();

    const engine = createEngine({
      db: h.database,
      port: 0,
      backoff: fastBackoff,
      logger: silentLogger,
    });
    next = engine;
    await engine.start();
    await engine.sync({ url: h.app.url, fetch: http ? undefined : h.app.fetch });
    const outputsOf = async (fn: string) => {
      const runs = await engine.listRuns({ functionId: `${h.app.id}-${fn}`, limit: 500 });
      const outputs = [];
      for (const run of runs) {
        const detail = await engine.waitForRun(run.id, { timeoutMs: 20_000 });
        if ((detail.event as { data: { user: string } }).data.user === user) {
          outputs.push(detail.output);
        }
      }
      return outputs;
    };
    await expect.poll(() => outputsOf("debounced"), { timeout: 15_000 }).toEqual([3]);
    await expect
      .poll(() => outputsOf("batched"), { timeout: 15_000 })
      .toEqual([{ first: 1, all: [1, 2] }]);
    await expect
      .poll(async () => (await outputsOf("throttled")).sort(), { timeout: 15_000 })
      .toEqual([1, 2, 3]);
  });
});
