// Embedded mode: the executor started from the app's process. On PostgreSQL every process
// serves the shared queue; one at a time leads the chores (advisory lock on a dedicated
// connection) and another takes the lead over when it stops. (tests/integration/engine/
// multiprocess.test.ts covers the queue shared by several processes.)
import { afterAll, describe, expect, it } from "vitest";
import {
  createEmbeddedEngine,
  defaultRetryDelay,
  startEmbeddedEngine,
} from "@/inngest/local/embedded";
import { silentLogger } from "@/inngest/local/interfaces";
import { createTestApp } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { freePort } from "./processes";

// As in the app: the embedded engine always has keys, and the app's client verifies them.
const keys = {
  signingKey: "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  eventKey: "test-event-key",
};

describe("embedded executor", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it("serves from every instance on PostgreSQL, lets one lead and hands over when it stops", async () => {
    const database = await createTestDatabase("postgres");
    databases.push(database);
    // The app's client points at the executor, as in the app: it posts checkpoints there.
    const port = await freePort();
    const app = await createTestApp({
      engineUrl: `http://127.0.0.1:${port}`,
      id: "embedded-pg",
      signingKey: keys.signingKey,
    });
    const options = {
      ...keys,
      handle: database,
      appUrl: app.url,
      appFetch: app.fetch,
      port,
      logger: silentLogger,
      leaderRetryMs: 100,
    };
    const first = createEmbeddedEngine(options);
    const leader = await first.ready;
    // Another process: its own copy of the app, whose client posts to its own executor.
    const secondPort = await freePort();
    const secondApp = await createTestApp({
      engineUrl: `http://127.0.0.1:${secondPort}`,
      id: "embedded-pg",
      signingKey: keys.signingKey,
    });
    const second = createEmbeddedEngine({
      ...options,
      appUrl: secondApp.url,
      appFetch: secondApp.fetch,
      port: secondPort,
    });
    await second.ready;
    await new Promise((r) => setTimeout(r, 300));
    expect(first.isLeader).toBe(true);
    expect(second.isLeader).toBe(false);
    expect([first.state, second.state]).toEqual(["ok", "ok"]);
    // A third process on this host given the first one's port says what to change.
    const errors: Record<string, unknown>[] = [];
    const third = createEmbeddedEngine({
      ...options,
      logger: { ...silentLogger, error: (_m, fields) => errors.push(fields ?? {}) },
      retryDelay: () => 60_000,
    });
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0].hint).toContain("INNGEST_EMBEDDED_PORT");
    expect(third.state).toBe("down");
    await third.stop();

    await expect.poll(async () => (await leader.listRuns()).length >= 0).toBe(true);
    await first.stop();
    const successor = await second.ready;
    await expect.poll(() => second.isLeader).toBe(true);
    // The successor syncs the app by itself and runs its functions.
    await expect
      .poll(async () => (await successor.sql.query("select id from engine.functions")).length)
      .toBeGreaterThan(0);
    const [eventId] = await successor.send({ name: "test/steps", data: { key: "handover" } });
    await expect
      .poll(async () => (await successor.listRuns({ eventId }))[0]?.status)
      .toBe("completed");
    await second.stop();
  });

  it("starts once per process on PGlite and runs the app's functions", async () => {
    const database = await createTestDatabase("pglite");
    databases.push(database);
    // The app's client points at the executor, as in the app: it posts checkpoints there.
    const port = await freePort();
    const app = await createTestApp({
      engineUrl: `http://127.0.0.1:${port}`,
      id: "embedded-lite",
      signingKey: keys.signingKey,
    });
    const options = {
      ...keys,
      handle: database,
      appUrl: app.url,
      appFetch: app.fetch,
      port,
      logger: silentLogger,
    };
    const embedded = startEmbeddedEngine(options);
    expect(startEmbeddedEngine(options)).toBe(embedded);
    const engine = await embedded.ready;
    await expect
      .poll(async () => (await engine.sql.query("select id from engine.functions")).length)
      .toBeGreaterThan(0);
    const [eventId] = await engine.send({ name: "test/steps", data: { key: "lite" } });
    await expect
      .poll(async () => (await engine.listRuns({ eventId }))[0]?.status)
      .toBe("completed");
    expect(app.tracker.count("steps:a:lite")).toBe(1);
    await embedded.stop();
  });

  it("keeps trying with backoff while the database cannot be opened, and says how it is", async () => {
    const database = await createTestDatabase("pglite");
    databases.push(database);
    const port = await freePort();
    const app = await createTestApp({
      engineUrl: `http://127.0.0.1:${port}`,
      id: "embedded-retry",
      signingKey: keys.signingKey,
    });
    let opens = 0;
    const delays: number[] = [];
    const embedded = createEmbeddedEngine({
      ...keys,
      handle: async () => {
        if (++opens <= 3) throw new Error("The embedded database is already open in process 1");
        return database;
      },
      appUrl: app.url,
      appFetch: app.fetch,
      port,
      logger: silentLogger,
      retryDelay: (failures) => {
        delays.push(failures);
        return 20 * failures;
      },
    });
    expect(embedded.state).toBe("starting");
    await expect.poll(() => embedded.state).toBe("down");
    await embedded.ready;
    expect(embedded.state).toBe("ok");
    expect(opens).toBe(4);
    expect(delays).toEqual([1, 2, 3]);
    await embedded.stop();
    expect(embedded.state).toBe("down");
  });

  it("backs off from half a second to at most ten", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(defaultRetryDelay)).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
});
