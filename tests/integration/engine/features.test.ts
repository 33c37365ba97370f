// Contract tests: the executor drives real Inngest functions (inngest 4.24.0's own serve()
// handler) for every supported feature, in-process on PGlite and over HTTP on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertPause } from "@/inngest/local/sql/insert-pause";
import { createHarness, type Harness } from "./harness";

const setups = [
  { driver: "pglite", http: false },
  { driver: "postgres", http: true },
] as const;

let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

describe.each(setups)("executor on $driver (http: $http)", ({ driver, http }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { http });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The run's live waitForEvent pauses. */
  const waitPauses = (runId: string) =>
    h.engine.sql.query("select 1 from engine.pauses where run_id = $1 and kind = 'wait'", [runId]);

  async function run(fn: string, event: string, data: Record<string, unknown>) {
    const eventId = await h.send(event, data);
    const runId = await h.runFor(eventId, fn);
    return h.engine.waitForRun(runId, { timeoutMs: 20_000 });
  }

  describe.concurrent("features", () => {
    it("runs sequential steps once each and returns the function's value", async ({ expect }) => {
      const key = uniq("steps");
      const result = await run("steps", "test/steps", { key });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ sum: 3, key });
      expect(h.app.tracker.count(`steps:a:${key}`)).toBe(1);
      expect(h.app.tracker.count(`steps:b:${key}`)).toBe(1);
      expect(result.steps.map((s) => [s.name, s.status, s.attempts.length])).toEqual([
        ["a", "completed", 1],
        ["b", "completed", 1],
      ]);
      expect(result.startedAt).not.toBeNull();
      expect(result.endedAt).not.toBeNull();
    });

    it("triggers on a wildcard event name", async ({ expect }) => {
      const name = `wild/${uniq("x")}`;
      const result = await run("wildcard", name, {});
      expect(result.output).toBe(name);
    });

    it("keeps an event's meta: sessions merged over the propagated ones, as strings", async ({
      expect,
    }) => {
      const { ids } = await h.app.client.send({
        name: "test/meta",
        data: {},
        meta: { sessions: { conversation: "c-1", attempt: 2 } },
      });
      const result = await h.engine.waitForRun(await h.runFor(ids[0], "meta"), {
        timeoutMs: 20_000,
      });
      expect(result.output).toEqual({ sessions: { conversation: "c-1", attempt: "2" } });

      // The server-side merge: a manual key wins, a manual null cuts an inherited one.
      const [merged] = await h.engine.send({
        name: "test/meta",
        meta: {
          propagated_sessions: { conversation: "inherited", tenant: "t-9", user: "u-1" },
          sessions: { conversation: "c-2", user: null },
        },
      });
      const mergedRun = await h.engine.waitForRun(await h.runFor(merged, "meta"), {
        timeoutMs: 20_000,
      });
      expect(mergedRun.output).toEqual({ sessions: { conversation: "c-2", tenant: "t-9" } });

      // No meta: the function sees none.
      const plain = await run("meta", "test/meta", {});
      expect(plain.output).toBeNull();
    });

    it("starts a run only when the trigger's if-expression holds", async ({ expect }) => {
      const skipped = uniq("cond");
      const skippedId = await h.send("test/cond", { go: false, key: skipped });
      const key = uniq("cond");
      const result = await run("conditional", "test/cond", { go: true, key });
      expect(result.output).toBe("went");
      expect(await h.engine.listRuns({ eventId: skippedId })).toEqual([]);
      expect(h.app.tracker.count(`conditional:${skipped}`)).toBe(0);
    });

    it("retries a step that throws and completes when it then succeeds", async ({ expect }) => {
      const key = uniq("flaky");
      const result = await run("flaky", "test/flaky", { key, failures: 2 });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ n: 3, attempt: 2 });
      expect(h.app.tracker.count(`flaky:${key}`)).toBe(3);
      const [step] = result.steps;
      expect(step.attempts.map((a) => a.outcome)).toEqual(["error", "error", "ok"]);
      expect((step.attempts[0].error as { message: string }).message).toBe("failure 1");
    });

    it("fails the run once a step has used all its retries", async ({ expect }) => {
      const key = uniq("flaky");
      const result = await run("flaky", "test/flaky", { key, failures: 10 });
      expect(result.status).toBe("failed");
      // retries: 2 means three attempts in all.
      expect(h.app.tracker.count(`flaky:${key}`)).toBe(3);
      expect((result.error as { message: string }).message).toContain("failure 3");
    });

    it("fails at once on NonRetriableError", async ({ expect }) => {
      const key = uniq("nr");
      const result = await run("non-retriable", "test/non-retriable", { key });
      expect(result.status).toBe("failed");
      expect(h.app.tracker.count(`non-retriable:${key}`)).toBe(1);
      expect((result.error as { message: string }).message).toContain("this will never work");
    });

    it("waits as long as RetryAfterError asks before retrying", async ({ expect }) => {
      const key = uniq("ra");
      const result = await run("retry-after", "test/retry-after", { key });
      expect(result.status).toBe("completed");
      const first = h.app.tracker.values.get(`retry-after:${key}:1`) as number;
      const second = h.app.tracker.values.get(`retry-after:${key}:2`) as number;
      expect(second - first).toBeGreaterThanOrEqual(1500);
    });

    it("runs parallel steps as planned branches and joins them", async ({ expect }) => {
      const key = uniq("par");
      const result = await run("parallel", "test/parallel", { key });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ results: [10, 20, 30], total: 60 });
      for (const i of [1, 2, 3, "total"]) {
        expect(h.app.tracker.count(`parallel:${key}:${i}`)).toBe(1);
      }
    });

    it("sleeps durably and resumes", async ({ expect }) => {
      const key = uniq("sleep");
      const result = await run("sleeper", "test/sleep", { key });
      expect(result.status).toBe("completed");
      expect((result.output as { slept: number }).slept).toBeGreaterThanOrEqual(950);
      expect(h.app.tracker.count(`sleeper:${key}:after`)).toBe(1);
    });

    it("resumes a waitForEvent with the matching event only", async ({ expect }) => {
      const id = uniq("wait");
      const eventId = await h.send("test/wait", { id });
      const runId = await h.runFor(eventId, "waiter");
      await expect.poll(() => h.app.tracker.count(`waiter:${id}:ready`)).toBe(1);
      // Give the executor a moment to register the wait after the step finished.
      await expect.poll(async () => (await waitPauses(runId)).length).toBe(1);
      await h.send("test/approve", { id: "someone-else", ok: false });
      await h.send("test/approve", { id, ok: true });
      const result = await h.engine.waitForRun(runId);
      expect(result.output).toEqual({ approved: { id, ok: true } });
    });

    it("resumes a waitForEvent whose event is sent right after the wait starts", async ({
      expect,
    }) => {
      const id = uniq("wait-fast");
      const eventId = await h.send("test/wait", { id });
      const runId = await h.runFor(eventId, "waiter");
      await expect.poll(async () => (await waitPauses(runId)).length).toBe(1);
      await h.send("test/approve", { id });
      const result = await h.engine.waitForRun(runId);
      expect(result.output).toEqual({ approved: { id } });
    });

    it("resumes a wait on another run's inngest/function.finished", async ({ expect }) => {
      const key = uniq("watch");
      const watcherEvent = await h.send("test/watch-finish", { key });
      const watcherId = await h.runFor(watcherEvent, "finish-watcher");
      await expect.poll(async () => (await waitPauses(watcherId)).length).toBe(1);
      await run("steps", "test/steps", { key });
      const watched = await h.engine.waitForRun(watcherId);
      expect(watched.output).toEqual({ result: { sum: 3, key } });
    });

    it("resumes a wait beside a race-mode step still in flight, and goes on once both end", async ({
      expect,
    }) => {
      const key = uniq("race-wait");
      const eventId = await h.send("test/race-wait", { key });
      const runId = await h.runFor(eventId, "race-wait");
      // The wait listens while the slow step's call is in flight; the event arrives then.
      await expect.poll(async () => (await waitPauses(runId)).length).toBe(1);
      await expect.poll(() => h.app.tracker.count(`race-wait:${key}:slow`)).toBe(1);
      await h.send("test/race-approve", { key, ok: true });
      // The slow call, started before the wait ended, reports the wait again as it comes back:
      // that must not pause the run a second time (it would wait for the wait's 1 h timeout).
      const result = await h.engine.waitForRun(runId, { timeoutMs: 15_000 });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ slow: "slow", approved: { key, ok: true }, after: "after" });
      expect(h.app.tracker.count(`race-wait:${key}:after`)).toBe(1);
      const pauses = await waitPauses(runId);
      expect(pauses).toEqual([]);
      // What a second discovery call that began before the event would report as it comes back:
      // the wait again. A step with a result is never paused again (no pause nobody resumes).
      const [wait] = await h.engine.sql.query<{ hash: string }>(
        "select hash from engine.steps where run_id = $1 and output->'data'->>'key' = $2",
        [runId, key],
      );
      expect(
        await insertPause(h.engine.sql, {
          id: `${runId}:wait:${wait.hash}`,
          kind: "wait",
          run_id: runId,
          step: wait.hash,
          eventName: "test/race-approve",
        }),
      ).toBe(false);
      expect(await waitPauses(runId)).toEqual([]);
    });

    it("goes on after the first of two race-mode waits while the other still waits", async ({
      expect,
    }) => {
      const key = uniq("two-waits");
      const eventId = await h.send("test/two-waits", { key });
      const runId = await h.runFor(eventId, "two-waits");
      const waits = async () =>
        (
          await h.engine.sql.query(
            "select race from engine.pauses where run_id = $1 and kind = 'wait'",
            [runId],
          )
        ).map((p) => p.race);
      await expect.poll(waits).toEqual([true, true]);
      await h.send("test/two-waits-a", { key });
      // Not joined with the wait still pending: the step after the first one runs now.
      await expect.poll(() => h.app.tracker.count(`two-waits:${key}:after-a`)).toBe(1);
      expect(h.app.tracker.count(`two-waits:${key}:after-b`)).toBe(0);
      expect(await waits()).toEqual([true]);
      await h.send("test/two-waits-b", { key });
      const result = await h.engine.waitForRun(runId, { timeoutMs: 15_000 });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual(["a", "b"]);
      expect(h.app.tracker.count(`two-waits:${key}:after-a`)).toBe(1);
      expect(h.app.tracker.count(`two-waits:${key}:after-b`)).toBe(1);
    });

    it("gives null to a waitForEvent that times out", async ({ expect }) => {
      const id = uniq("wait-timeout");
      const result = await run("waiter", "test/wait", { id, timeout: "1s" });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ approved: null });
    });

    it("times out a waitForEvent whose timeout is an absolute Date", async ({ expect }) => {
      const id = uniq("wait-until");
      const started = Date.now();
      const result = await run("waiter", "test/wait", {
        id,
        timeoutAt: new Date(Date.now() + 1500).toISOString(),
      });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ approved: null });
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it("matches a waitForEvent's if-expression against both events", async ({ expect }) => {
      const eventId = await h.send("test/wait-if", { min: 10 });
      const runId = await h.runFor(eventId, "waiter-if");
      await expect.poll(async () => (await waitPauses(runId)).length).toBe(1);
      await h.send("test/amount", { amount: 5 });
      await h.send("test/amount", { amount: 50 });
      const result = await h.engine.waitForRun(runId);
      expect(result.output).toEqual({ amount: 50 });
    });

    it("invokes another function and gets its result", async ({ expect }) => {
      const result = await run("parent", "test/parent", { n: 21 });
      expect(result.status).toBe("completed");
      expect(result.output).toEqual({ child: { doubled: 42 } });
      const children = (await h.engine.listRuns({ functionId: `${h.app.id}-child` })).filter(
        (r) => r.parentRunId === result.id,
      );
      expect(children).toHaveLength(1);
    });

    it("hands an invoked function's failure to the caller as an error", async ({ expect }) => {
      const result = await run("parent", "test/parent", { n: 1, fail: true });
      expect(result.status).toBe("completed");
      expect((result.output as { childError: string }).childError).toContain(
        "child failed on purpose",
      );
    });

    it("sends events from a step that trigger other functions", async ({ expect }) => {
      const key = uniq("send");
      const result = await run("sender", "test/send", { key });
      expect(result.output).toEqual({ sent: 1 });
      await expect.poll(() => h.app.tracker.count(`receiver:${key}`), { timeout: 10_000 }).toBe(1);
    });

    it("runs the onFailure handler when a run fails", async ({ expect }) => {
      const key = uniq("fail");
      const result = await run("failing", "test/failing", { key });
      expect(result.status).toBe("failed");
      expect(h.app.tracker.count(`failing:${key}`)).toBe(1);
      await expect
        .poll(() => h.app.tracker.count(`failing:${key}:on-failure`), { timeout: 10_000 })
        .toBe(1);
      expect(h.app.tracker.values.get(`failing:${key}:error`)).toBe("boom");
    });

    it("cancels a sleeping run when its cancelOn event arrives", async ({ expect }) => {
      const id = uniq("cancel");
      const eventId = await h.send("test/cancellable", { id });
      const runId = await h.runFor(eventId, "cancellable");
      await expect
        .poll(
          async () =>
            (
              await h.engine.sql.query(
                "select 1 from engine.jobs where run_id = $1 and kind = 'sleep'",
                [runId],
              )
            ).length,
        )
        .toBe(1);
      await h.send("test/cancel", { id: "not-this-one" });
      await h.send("test/cancel", { id });
      const result = await h.engine.waitForRun(runId);
      expect(result.status).toBe("cancelled");
      expect(h.app.tracker.count(`cancellable:${id}:first`)).toBe(1);
      expect(h.app.tracker.count(`cancellable:${id}:never`)).toBe(0);
      const left = await h.engine.sql.query("select 1 from engine.jobs where run_id = $1", [runId]);
      expect(left).toHaveLength(0);
    });
  });

  describe("concurrency", () => {
    function overlaps(entries: { key: string; at: number; phase: string }[]) {
      const sorted = [...entries].sort((a, b) => a.at - b.at || (a.phase === "end" ? -1 : 1));
      let active = 0;
      let max = 0;
      for (const e of sorted) {
        active += e.phase === "start" ? 1 : -1;
        max = Math.max(max, active);
      }
      return max;
    }

    it("never runs two steps of a concurrency-1 function at once", async ({ expect }) => {
      const keys = [uniq("s"), uniq("s"), uniq("s")];
      const ids = await Promise.all(keys.map((key) => h.send("test/serial", { key })));
      const runIds = await Promise.all(ids.map((id) => h.runFor(id, "serial")));
      const results = await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      expect(results.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
      const entries = h.app.tracker.log.filter((e) => keys.some((k) => e.key.startsWith(k)));
      expect(entries).toHaveLength(12);
      expect(overlaps(entries)).toBe(1);
    });

    it("limits per concurrency key, not across keys", async ({ expect }) => {
      const users = [uniq("u"), uniq("u")];
      const ids = await Promise.all(
        [users[0], users[0], users[1], users[1]].map((user) => h.send("test/keyed", { user })),
      );
      const runIds = await Promise.all(ids.map((id) => h.runFor(id, "keyed")));
      await Promise.all(runIds.map((id) => h.engine.waitForRun(id)));
      for (const user of users) {
        expect(overlaps(h.app.tracker.log.filter((e) => e.key === `keyed:${user}`))).toBe(1);
      }
      const all = h.app.tracker.log.filter((e) => users.some((u) => e.key === `keyed:${u}`));
      expect(overlaps(all)).toBe(2);
    });
  });

  it("schedules cron functions in their time zone and emits inngest/scheduled.timer", async () => {
    const [job] = await h.engine.sql.query<{ id: string; at: string }>(
      `select id, to_char(run_at at time zone 'Europe/Paris', 'HH24:MI') as at
       from engine.jobs where kind = 'cron' and payload ->> 'functionId' = $1`,
      [`${h.app.id}-scheduled`],
    );
    expect(job.at).toBe("09:00");
    await h.engine.sql.query("update engine.jobs set run_at = now() where id = $1", [job.id]);
    await h.engine.send({ name: "test/nudge" });
    await expect.poll(() => h.app.tracker.count("scheduled"), { timeout: 10_000 }).toBe(1);
    const [run] = await h.engine.listRuns({ functionId: `${h.app.id}-scheduled` });
    const done = await h.engine.waitForRun(run.id);
    expect(done.output).toEqual({
      name: "inngest/scheduled.timer",
      cron: "TZ=Europe/Paris 0 9 * * *",
    });
    const [next] = await h.engine.sql.query<{ later: boolean }>(
      "select run_at > now() + interval '1 minute' as later from engine.jobs where id = $1",
      [job.id],
    );
    expect(next.later).toBe(true);
  });
});
