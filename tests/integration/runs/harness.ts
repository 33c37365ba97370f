// Interpreter tests: a private database, the embedded executor on a free port with fast
// retries, and the real serve() handler over the app's functions built with a test action
// registry. The app's lib/db singleton points at the test database.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import type { ActionDeclaration } from "@/lib/actions/define-action";
import type { ActionRegistry } from "@/lib/actions/registry";
import {
  type CreateActionContextOptions,
  createActionContext,
} from "@/lib/actions/runtime/context";
import type { DbHandle } from "@/lib/db/client";
import type { Run } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { isTerminal } from "@/lib/runs/status";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import {
  createEffects,
  createTestRegistry,
  type Effects,
} from "@/tests/fixtures/runs/test-actions";
import { createTestDatabase, type DriverName, type TestDatabase } from "@/tests/helpers/database";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { freePort } from "@/tests/integration/engine/processes";

export const APP_URL = "http://app.test";

/** As in the app's embedded mode: the engine signs every call, the client verifies it. */
export const ENGINE_KEYS = {
  signingKey: "signkey-prod-5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed",
  eventKey: "runs-harness-event-key",
};

export type RunsHarness = {
  database: TestDatabase;
  engine: Engine;
  client: Inngest.Any;
  effects: Effects;
  /** A user with an approved workflow running `plan`; returns the workflow id. */
  workflow(plan: unknown, userId?: string): Promise<string>;
  user(email?: string): Promise<string>;
  userId: string;
  start(workflowId: string, inputs?: Record<string, unknown>, userId?: string): Promise<Run>;
  finished(runId: string, timeoutMs?: number): Promise<Run>;
  waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

/**
 * Points the app's own Inngest client (inngest/client.ts, built from env when first imported)
 * at a harness engine on `port`, with the harness's keys. Call before importing app modules.
 */
export function pointAppClientAtHarness(port: number) {
  process.env.INNGEST_EMBEDDED_PORT = String(port);
  process.env.INNGEST_MODE = "embedded";
  process.env.INNGEST_SIGNING_KEY = ENGINE_KEYS.signingKey;
  process.env.INNGEST_EVENT_KEY = ENGINE_KEYS.eventKey;
  resetEnvForTests();
}

/** A free port for a harness engine, with the app's own client already pointed at it. */
export async function appClientPort(): Promise<number> {
  const port = await freePort();
  pointAppClientAtHarness(port);
  return port;
}

/**
 * A harness for the enclosing describe block: created before its tests, closed after them,
 * with the app's queries pointed at its database before each test.
 */
export function harnessFor(
  driver: DriverName,
  options: Parameters<typeof createRunsHarness>[1] = {},
): RunsHarness {
  return suiteResource(() => createRunsHarness(driver, options), {
    beforeEach: (h) => pointAppAt(h.database),
    close: (h) => h.close(),
  });
}

export function pointAppAt(handle: DbHandle) {
  (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb =
    Promise.resolve(handle);
}

let emailCounter = 0;

export async function createRunsHarness(
  driver: DriverName,
  options: {
    port?: number;
    concurrencyPerUser?: number;
    /** The action registry (default: the test actions, createTestRegistry). */
    registry?: (effects: Effects) => ActionRegistry;
    /** Real actions added to the test registry (http.request, ai.generate…). */
    actions?: ActionDeclaration[];
    /** Overrides for every unit's context (a loopback network policy, services). */
    context?: () => Partial<CreateActionContextOptions>;
    /**
     * Each unit's context as the app builds it (serverContextFactory: the person's stored
     * secrets, the database's store, the env's network policy and SMTP settings).
     */
    serverContext?: boolean;
  } = {},
): Promise<RunsHarness> {
  const database = await createTestDatabase(driver);
  pointAppAt(database);
  const engine = createEngine({
    db: database,
    port: options.port ?? 0,
    backoff: (attempt) => 50 * (attempt + 1),
    pollIntervalMs: 200,
    logger: process.env.ENGINE_TEST_LOGS ? undefined : silentLogger,
    ...ENGINE_KEYS,
  });
  await engine.start();
  const client = new Inngest({
    id: "flowchat",
    isDev: false,
    baseUrl: engine.url,
    ...ENGINE_KEYS,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  const effects = createEffects();
  const { createFunctions } = await import("@/inngest/functions");
  const functions = createFunctions({
    client,
    registry: options.registry
      ? options.registry(effects)
      : createTestRegistry(effects, { extra: options.actions }),
    appUrl: APP_URL,
    concurrencyPerUser: options.concurrencyPerUser ?? 200,
    createContext: options.serverContext
      ? undefined
      : async (o) => ({
          context: createActionContext({ ...o, network: undefined, ...options.context?.() }),
          secrets: {},
        }),
  });
  const appFetch = toFetch(serve({ client, functions }));
  const timedFetch = async (request: Request) => {
    const t = Date.now();
    const res = await appFetch(request);
    if (process.env.RUNS_TIMING)
      console.log("CALL", new URL(request.url).search, Date.now() - t, res.status);
    return res;
  };
  await engine.sync({ url: `${APP_URL}/api/inngest`, fetch: timedFetch });

  const queries = await import("@/lib/db/queries");
  const workflowQueries = await import("@/lib/db/workflow-queries");
  const runQueries = await import("@/lib/db/run-queries");
  const { startRun } = await import("@/lib/runs/start-run");

  const user = async (email = `runner${++emailCounter}-${Date.now()}@example.com`) =>
    (await queries.createUser({ email, name: "Runner", passwordHash: "x" })).id;
  const userId = await user();

  const waitFor = async <T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  return {
    database,
    engine,
    client,
    effects,
    userId,
    user,
    async workflow(plan, owner = userId) {
      const { workflow, version } = await workflowQueries.createWorkflow({
        userId: owner,
        title: (plan as { title?: string }).title ?? "Test",
        plan,
        author: "person",
      });
      await workflowQueries.approveWorkflowVersion({
        userId: owner,
        workflowId: workflow.id,
        versionId: version.id,
      });
      return workflow.id;
    },
    start: (workflowId, inputs, owner = userId) =>
      startRun({ userId: owner, workflowId, inputs, client }),
    finished: (runId, timeoutMs = 30_000) =>
      waitFor(
        async () => {
          const run = await runQueries.getRunById({ runId });
          return run && isTerminal(run.status) ? run : undefined;
        },
        `run ${runId} to finish`,
        timeoutMs,
      ),
    waitFor,
    async close() {
      await engine.stop();
      await database.drop();
    },
  };
}

/** A plan with the given steps and a manual trigger. */
export function plan(steps: unknown[], extra: Record<string, unknown> = {}) {
  return { version: 1, title: "Test plan", trigger: { type: "manual" }, steps, ...extra };
}
