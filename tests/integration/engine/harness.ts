// Shared setup for executor tests: a private database, an engine on a free port with fast
// retries, and a real SDK app synced into it.
import { createEngine, type Engine, type EngineOptions } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { createTestApp, type TestApp, type TestAppOptions } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type DriverName, type TestDatabase } from "@/tests/helpers/database";
import { suiteResource } from "@/tests/helpers/suite-resource";

export type Harness = {
  database: TestDatabase;
  engine: Engine;
  app: TestApp;
  /** Sends one event through the app's own client (inngest.send → POST /e/:key). */
  send(name: string, data?: Record<string, unknown>): Promise<string>;
  /** The run an event started for a function, once it exists. */
  runFor(eventId: string, functionId: string): Promise<string>;
  close(): Promise<void>;
};

export const fastBackoff = (attempt: number) => 50 * (attempt + 1);

export async function createHarness(
  driver: DriverName,
  options: {
    http?: boolean;
    app?: Omit<TestAppOptions, "engineUrl">;
    engine?: Partial<EngineOptions>;
  } = {},
): Promise<Harness> {
  const database = await createTestDatabase(driver);
  const engine = createEngine({
    db: database,
    port: 0,
    backoff: fastBackoff,
    pollIntervalMs: 500,
    logger: process.env.ENGINE_TEST_LOGS ? undefined : silentLogger,
    ...options.engine,
  });
  await engine.start();
  const app = await createTestApp({
    engineUrl: engine.url as string,
    http: options.http,
    ...options.app,
  });
  try {
    await engine.sync({ url: app.url, fetch: options.http ? undefined : app.fetch });
  } catch (error) {
    await engine.stop();
    await app.close();
    await database.drop();
    throw error;
  }
  return {
    database,
    engine,
    app,
    async send(name, data = {}) {
      const { ids } = await app.client.send({ name, data });
      return ids[0];
    },
    async runFor(eventId, functionId) {
      const fullId = `${app.id}-${functionId}`;
      for (let i = 0; i < 400; i++) {
        const runs = await engine.listRuns({ eventId, functionId: fullId });
        if (runs[0]) return runs[0].id;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`No run of ${fullId} for event ${eventId}`);
    },
    async close() {
      await engine.stop();
      await app.close();
      await database.drop();
    },
  };
}

/**
 * An engine alone on a private PGlite database for the enclosing describe block (started
 * before its tests, stopped and dropped after), with the given options (keys, port…).
 */
export function engineSuite(options: Omit<Partial<EngineOptions>, "db"> = {}): {
  database: TestDatabase;
  engine: Engine;
} {
  return suiteResource(
    async () => {
      const database = await createTestDatabase("pglite");
      const engine = createEngine({ db: database, port: 0, logger: silentLogger, ...options });
      await engine.start();
      return { database, engine };
    },
    {
      close: async ({ database, engine }) => {
        await engine.stop();
        await database.drop();
      },
    },
  );
}
