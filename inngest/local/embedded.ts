// Starting the executor inside the app's own server process (Next.js instrumentation).
// Returns at once: leadership and the first sync happen in the background, because Next
// holds every request until register() resolves and the sync calls the app's own route.
//
// The app's Inngest client talks to it as to Inngest Cloud: `isDev: false`, `baseUrl:
// http://127.0.0.1:<port>` and the same signing and event keys (inngest/client.ts), so every
// call the engine makes to the app is signed and verified, and only the app may use its API.
import type { DbHandle } from "@/lib/db/client";
import { createEngine, type Engine, type EngineOptions } from "./engine";
import { consoleLogger, type EngineLogger } from "./interfaces";
import type { AppFetch } from "./protocol/call";

/** Port of the embedded API; the Inngest SDK's dev-mode default, so `isDev` clients find it. */
export const DEFAULT_ENGINE_PORT = 8288;

const LEADER_LOCK = 4_215_310_023;

export type EmbeddedEngineOptions = {
  /** The app's database handle (lib/db getDbHandle()), already migrated. */
  handle: DbHandle;
  /** The app's serve() URL, e.g. http://127.0.0.1:3000/api/inngest. */
  appUrl: string;
  /** Port for the executor's Dev-Server-like API (events at /e/:key). */
  port?: number;
  /** Calls the app in-process instead of over HTTP. */
  appFetch?: AppFetch;
  /** Signs calls to the app and guards the engine's API (see createEngine). */
  signingKey: string;
  eventKey: string;
  logger?: EngineLogger;
  /** How often a standby instance retries for leadership. */
  leaderRetryMs?: number;
} & Pick<EngineOptions, "backoff" | "concurrency" | "pollIntervalMs">;

export type EmbeddedEngine = {
  /** The engine once this process leads; undefined while standing by. */
  readonly engine: Engine | undefined;
  readonly isLeader: boolean;
  /** Resolves when this process has become the leader and the engine is serving. */
  ready: Promise<Engine>;
  stop(): Promise<void>;
};

const globalForEngine = globalThis as unknown as { flowchatEngine?: EmbeddedEngine };

/**
 * Starts the embedded executor once per process (a second call returns the first, which
 * also survives module reloads in `next dev`).
 */
export function startEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  globalForEngine.flowchatEngine ??= createEmbeddedEngine(options);
  return globalForEngine.flowchatEngine;
}

/**
 * An embedded executor that competes for leadership. On PostgreSQL only one instance at a
 * time leads, through a session advisory lock held on a dedicated connection; the others
 * stand by and take over when the leader goes away. PGlite is single-process already.
 */
export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  const logger = options.logger ?? consoleLogger;
  let engine: Engine | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let releaseLock: (() => Promise<void>) | undefined;
  let resolveReady: (engine: Engine) => void = () => {};
  const ready = new Promise<Engine>((resolve) => {
    resolveReady = resolve;
  });

  async function acquire(): Promise<boolean> {
    const client = options.handle.client;
    if (client.kind === "pglite") return true; // one process owns a PGlite directory
    const reserved = await client.sql.reserve();
    const [row] = await reserved`select pg_try_advisory_lock(${LEADER_LOCK}) as locked`;
    if (!row.locked) {
      reserved.release();
      return false;
    }
    releaseLock = async () => {
      await reserved`select pg_advisory_unlock(${LEADER_LOCK})`.catch(() => {});
      reserved.release();
    };
    return true;
  }

  async function attempt() {
    if (stopped) return;
    try {
      if (!(await acquire())) {
        retry = setTimeout(attempt, options.leaderRetryMs ?? 5000);
        return;
      }
      engine = createEngine({
        db: options.handle,
        apps: [{ url: options.appUrl, fetch: options.appFetch }],
        port: options.port ?? DEFAULT_ENGINE_PORT,
        signingKey: options.signingKey,
        eventKey: options.eventKey,
        backoff: options.backoff,
        concurrency: options.concurrency,
        pollIntervalMs: options.pollIntervalMs,
        logger,
      });
      await engine.start();
      logger.info(`embedded executor leading, API on ${engine.url}, app ${options.appUrl}`);
      resolveReady(engine);
    } catch (error) {
      // Never throw into Next's register(): log and try again later.
      logger.error("embedded executor failed to start; retrying", { error: String(error) });
      await engine?.stop().catch(() => {});
      engine = undefined;
      await releaseLock?.();
      releaseLock = undefined;
      if (!stopped) retry = setTimeout(attempt, options.leaderRetryMs ?? 5000);
    }
  }

  const embedded: EmbeddedEngine = {
    get engine() {
      return engine;
    },
    get isLeader() {
      return !!engine;
    },
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await engine?.stop();
      engine = undefined;
      await releaseLock?.();
      releaseLock = undefined;
      if (globalForEngine.flowchatEngine === embedded) globalForEngine.flowchatEngine = undefined;
    },
  };
  void attempt();
  return embedded;
}
