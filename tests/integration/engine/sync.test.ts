// Syncing apps: in-band config, refusal of options the executor does not implement, and
// request signing for apps whose client is not in dev mode.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { UnsupportedConfigError } from "@/inngest/local/function-config";
import { silentLogger } from "@/inngest/local/interfaces";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { createHarness } from "./harness";

const SIGNING_KEY = "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

describe("sync", () => {
  let database: TestDatabase;
  let engine: Engine;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    engine = createEngine({ db: database, port: 0, logger: silentLogger });
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    await database.drop();
  });

  function appWith(config: Record<string, unknown>) {
    const client = new Inngest({ id: "refused", isDev: true, baseUrl: engine.url });
    const fn = client.createFunction(
      { id: "too-fancy", triggers: [{ event: "x/y" }], ...config } as never,
      async () => "never",
    );
    return {
      url: "http://refused.test/api/inngest",
      fetch: toFetch(serve({ client, functions: [fn] })),
    };
  }

  it.each([
    [
      { batchEvents: { maxSize: 0, timeout: "5s" } },
      "batchEvents maxSize must be a positive integer",
    ],
    [
      { triggers: [{ cron: "* * * * *", jitter: "often" }] },
      'cron jitter "often" is not a duration',
    ],
    [
      { concurrency: [{ limit: 1 }, { limit: 2 }, { limit: 3 }] },
      "at most two concurrency limits are allowed (got 3)",
    ],
    [
      { concurrency: { limit: 1, scope: "account" } },
      'a concurrency limit with scope "account" needs a key',
    ],
    [{ debounce: { period: "soon" } }, 'debounce period "soon" is not a duration'],
    [{ throttle: { limit: 0, period: "1s" } }, "throttle limit must be a positive integer"],
  ])("refuses %j with a clear message and registers nothing", async (config, phrase) => {
    const error = await engine.sync(appWith(config)).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedConfigError);
    expect(error.message).toContain(`function "refused-too-fancy": ${phrase}`);
    const rows = await engine.sql.query("select id from engine.functions where app_id = 'refused'");
    expect(rows).toEqual([]);
  });

  it("stores the functions of an in-band sync, including the onFailure companion", async () => {
    const client = new Inngest({ id: "plain", isDev: true, baseUrl: engine.url });
    const fn = client.createFunction(
      { id: "hello", triggers: [{ event: "x/hello" }], onFailure: async () => {} },
      async () => "hi",
    );
    const config = await engine.sync({
      url: "http://plain.test/api/inngest",
      fetch: toFetch(serve({ client, functions: [fn] })),
    });
    expect(config.appId).toBe("plain");
    expect(config.functions.map((f) => f.id)).toEqual(["plain-hello", "plain-hello-failure"]);
    expect(config.functions[0].url).toBe(
      "http://plain.test/api/inngest?fnId=plain-hello&stepId=step",
    );
    expect(config.functions[1].eventTriggers).toEqual([
      { event: "inngest/function.failed", expression: "event.data.function_id == 'plain-hello'" },
    ]);
  });
});

describe("signing", () => {
  it("signs calls so an app in cloud mode (signing key, no dev mode) runs its functions", async () => {
    const h = await createHarness("postgres", {
      app: { signingKey: SIGNING_KEY, id: "signed" },
      engine: { signingKey: SIGNING_KEY, eventKey: "test-event-key" },
    });
    try {
      const eventId = await h.send("test/steps", { key: "signed" });
      const run = await h.engine.waitForRun(await h.runFor(eventId, "steps"));
      expect(run.status).toBe("completed");
      expect(run.output).toEqual({ sum: 3, key: "signed" });
    } finally {
      await h.close();
    }
  });

  it("cannot sync an app in cloud mode without the signing key", async () => {
    await expect(
      createHarness("postgres", { app: { signingKey: SIGNING_KEY, id: "unsigned" } }),
    ).rejects.toThrow(/401/);
  });

  it("refuses events sent with the wrong event key when one is configured", async () => {
    const database = await createTestDatabase("postgres");
    const engine = createEngine({ db: database, port: 0, eventKey: "right", logger: silentLogger });
    await engine.start();
    try {
      const wrong = await fetch(`${engine.url}/e/wrong`, {
        method: "POST",
        body: JSON.stringify({ name: "x/y" }),
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${engine.url}/e/right`, {
        method: "POST",
        body: JSON.stringify([{ name: "x/y" }, { name: "x/z" }]),
      });
      const body = await right.json();
      expect(body.status).toBe(200);
      expect(body.ids).toHaveLength(2);
    } finally {
      await engine.stop();
      await database.drop();
    }
  });
});
