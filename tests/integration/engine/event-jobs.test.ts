// An accepted event queues matching work only when something could take it: a live wait or
// cancellation on its name, or a synced function triggered by it (whichever process synced
// it). Checked inside a transaction that is rolled back, before any worker could claim a job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEvents } from "@/inngest/local/sql/insert-events";
import { insertPause } from "@/inngest/local/sql/insert-pause";
import type { Queryable } from "@/inngest/local/sql-client";
import { createHarness, type Harness } from "./harness";

class Rollback extends Error {}

describe.each(["postgres", "pglite"] as const)("event jobs on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(() => h?.close());

  /** How many event jobs `prepare` then storing one event named `name` queue (rolled back). */
  async function jobsQueued(name: string, prepare?: (q: Queryable) => Promise<unknown>) {
    let queued = -1;
    await h.engine.sql
      .tx(async (q) => {
        await prepare?.(q);
        const [stored] = await insertEvents(q, [{ name, data: {} }]);
        const rows = await q.query<{ n: number }>(
          "select count(*)::int as n from engine.jobs where kind = 'event' and payload->>'eventId' = $1",
          [stored.id],
        );
        queued = rows[0].n;
        const events = await q.query("select 1 from engine.events where id = $1", [stored.id]);
        expect(events).toHaveLength(1);
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return queued;
  }

  it("stores an event nobody listens to without queueing a job", async () => {
    expect(await jobsQueued("nobody/listens")).toBe(0);
    expect(await jobsQueued("inngest/function.finished")).toBe(0);
  });

  it("queues a job for an event a synced function is triggered by, exactly or by prefix", async () => {
    expect(await jobsQueued("test/steps")).toBe(1);
    // The fixture's `wildcard` function listens to `wild/*`.
    expect(await jobsQueued("wild/anything")).toBe(1);
    expect(await jobsQueued("wild")).toBe(0);
  });

  it("queues a job while a wait or a cancellation listens to the name", async () => {
    for (const kind of ["wait", "cancel"] as const) {
      const queued = await jobsQueued("custom/approved", (q) =>
        insertPause(q, {
          id: `p-${kind}`,
          kind,
          run_id: "run-x",
          step: kind === "wait" ? "approval" : null,
          eventName: "custom/approved",
        }),
      );
      expect(queued).toBe(1);
    }
  });

  it("counts a function another process synced, not only this engine's registry", async () => {
    const queued = await jobsQueued("elsewhere/done", (q) =>
      q.query(
        `insert into engine.functions (id, app_id, name, url, config)
         values ('other-fn', 'other-app', 'Other', 'http://other.test/api/inngest', $1::text::jsonb)`,
        [
          JSON.stringify({
            id: "other-fn",
            triggers: [{ event: "elsewhere/*" }, { cron: "* * * * *" }],
          }),
        ],
      ),
    );
    expect(queued).toBe(1);
  });

  it("sends one event in one statement: it wakes the engines only when it queued a job, and the engine's sessions stay async", async () => {
    const notified: string[] = [];
    const stop = await h.database.listen("engine_jobs", (payload) => notified.push(payload));
    try {
      await h.engine.send({ name: "nobody/listens", data: {} });
      // A notification would arrive within this wait; none does.
      await new Promise((r) => setTimeout(r, 200));
      expect(notified).toEqual([]);
      await h.engine.send({ name: "wild/woken", data: {} });
      await expect.poll(() => notified.length).toBeGreaterThan(0);
    } finally {
      await stop();
    }
    if (driver === "postgres") {
      // The synchronous commit is local to the send's own transaction: every session of the
      // executor's pool still commits asynchronously.
      const settings = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.engine.sql.query<{ synchronous_commit: string }>("show synchronous_commit"),
        ),
      );
      expect(new Set(settings.map(([row]) => row.synchronous_commit))).toEqual(new Set(["off"]));
    }
  });
});
