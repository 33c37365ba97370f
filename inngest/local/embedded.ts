// Starting the executor inside the app's own server process (Next.js instrumentation).
// Returns at once: opening the database, the engine's start and the first sync happen in the
// background, because Next holds every request until register() resolves and the sync calls
// the app's own route.
//
// Several app processes on one PostgreSQL database each run their own executor, all on the
// one queue (engine.jobs, claimed FOR UPDATE SKIP LOCKED): runs and steps spread over the
// processes, each process calls its own copy of the app, and a process that dies leaves its
// claimed jobs to the others (each worker's liveness is an advisory lock held by its
// session). Leadership, a session advisory lock, is kept for the chores that must run once
// (pruning); cron ticks need none (see jobs/cron.ts). A failed attempt (database locked by a crashed process not yet seen as
// gone, port taken…) is retried with backoff until it succeeds or the engine is stopped.
//
// The app's Inngest client talks to it as to Inngest Cloud: `isDev: false`, `baseUrl:
// http://127.0.0.1:<port>` and the same signing and event keys (inngest/client.ts), so every
// call the engine makes to the app is signed and verified, and only the app may use its API.
import type { DbHandle } from "@/lib/db/client";
import type { EmbeddedEngineState } from "./embedded-state";
import { createEngine, type Engine, type EngineOptions } from "./engine";
import { consoleLogger, type EngineLogger } from "./interfaces";
import type { AppFetch } from "./protocol/call";
import { acquireLeaderLock } from "./sql/acquire-leader-lock";

/** Port of the embedded API; the Inngest SDK's dev-mode default, so `isDev` clients find it. */
export const DEFAULT_ENGINE_PORT = 8288;

const LEADER_LOCK = 4_215_310_023;

export type EmbeddedEngineOptions = {
  /**
   * The app's database, opened and migrated; a function (lib/db getDbHandle) is called again
   * on each attempt until it resolves.
   */
  handle: DbHandle | (() => Promise<DbHandle>);
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
  /** How often a process that does not lead the chores tries to take them over. */
  leaderRetryMs?: number;
  /** Delay after the nth failed attempt: doubling from 0.5 s, at most 10 s. */
  retryDelay?: (failures: number) => number;
} & Pick<
  EngineOptions,
  "backoff" | "concurrency" | "pollIntervalMs" | "retention" | "orphanCheckMs" | "clock"
>;

export type EmbeddedEngine = {
  /** The engine once it serves; undefined while it starts or retries. */
  readonly engine: Engine | undefined;
  /** This process does the single-process chores (pruning); PGlite: always. */
  readonly isLeader: boolean;
  readonly state: EmbeddedEngineState;
  /** Resolves when the engine is serving. */
  ready: Promise<Engine>;
  stop(): Promise<void>;
};

// The key embedded-state.ts reads for /api/health.
const globalForEngine = globalThis as unknown as { flowchatEngine?: EmbeddedEngine };

export const defaultRetryDelay = (failures: number) => Math.min(500 * 2 ** (failures - 1), 10_000);

/**
 * Starts the embedded executor once per process (a second call returns the first, which
 * also survives module reloads in `next dev`).
 */
export function startEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  globalForEngine.flowchatEngine ??= createEmbeddedEngine(options);
  return globalForEngine.flowchatEngine;
}

/**
 * An embedded executor. Every instance works the shared queue; on PostgreSQL one at a time
 * also leads (a session advisory lock held on a dedicated connection) and the others try to
 * take the lead over every `leaderRetryMs`. PGlite is single-process already.
 */
export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  const logger = options.logger ?? consoleLogger;
  let engine: Engine | undefined;
  let state: EmbeddedEngineState = "starting";
  let failures = 0;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let leaderTimer: NodeJS.Timeout | undefined;
  let leading = false;
  let toldStandby = false;
  let releaseLock: (() => Promise<void>) | undefined;
  let resolveReady: (engine: Engine) => void = () => {};
  const ready = new Promise<Engine>((resolve) => {
    resolveReady = resolve;
  });

  async function tryToLead(handle: DbHandle): Promise<void> {
    if (stopped || leading) return;
    const client = handle.client;
    if (client.kind === "pglite") {
      leading = true; // one process owns a PGlite directory
      return;
    }
    const release = await acquireLeaderLock(await client.sql.reserve(), LEADER_LOCK);
    if (stopped) {
      await release?.();
      return;
    }
    if (release) {
      releaseLock = release;
      leading = true;
      logger.info(
        toldStandby
          ? "took over the single-process chores (pruning): the previous leader is gone"
          : "leading the single-process chores (pruning)",
      );
    } else if (!toldStandby) {
      toldStandby = true;
      logger.info(
        "another process leads the single-process chores (pruning); standing by for them while this one works the shared queue",
      );
    }
  }

  function watchLeadership(handle: DbHandle) {
    if (stopped || leading || handle.client.kind === "pglite") return;
    leaderTimer = setTimeout(async () => {
      try {
        await tryToLead(handle);
      } catch (error) {
        logger.warn("could not check the leader lock", { error: String(error) });
      }
      watchLeadership(handle);
    }, options.leaderRetryMs ?? 5000);
    leaderTimer.unref?.();
  }

  async function attempt() {
    if (stopped) return;
    try {
      const handle = typeof options.handle === "function" ? await options.handle() : options.handle;
      if (stopped) return;
      await tryToLead(handle);
      engine = createEngine({
        db: handle,
        apps: [{ url: options.appUrl, fetch: options.appFetch }],
        port: options.port ?? DEFAULT_ENGINE_PORT,
        signingKey: options.signingKey,
        eventKey: options.eventKey,
        backoff: options.backoff,
        concurrency: options.concurrency,
        pollIntervalMs: options.pollIntervalMs,
        retention: options.retention,
        orphanCheckMs: options.orphanCheckMs,
        clock: options.clock,
        maintenance: () => leading,
        logger,
      });
      await engine.start();
      state = "ok";
      failures = 0;
      logger.info(
        `embedded executor serving, API on ${engine.url}, app ${options.appUrl}${leading ? " (leader)" : ""}`,
      );
      watchLeadership(handle);
      resolveReady(engine);
    } catch (error) {
      // Never throw into Next's register(): one line per failure (the cause repeats until it
      // goes away), then try again.
      failures++;
      const delayMs = (options.retryDelay ?? defaultRetryDelay)(failures);
      state = "down";
      const portTaken = (error as { code?: unknown }).code === "EADDRINUSE";
      logger.error(
        `embedded executor did not start (attempt ${failures}); retrying in ${delayMs} ms`,
        {
          error: String(error),
          // Two app processes on one host: each needs its own executor port.
          ...(portTaken
            ? {
                hint: "the port is taken: give each process on this host its own INNGEST_EMBEDDED_PORT",
              }
            : {}),
        },
      );
      await engine?.stop().catch(() => {});
      engine = undefined;
      leading = false;
      await releaseLock?.();
      releaseLock = undefined;
      if (!stopped) retry = setTimeout(attempt, delayMs);
    }
  }

  const embedded: EmbeddedEngine = {
    get engine() {
      return engine;
    },
    get isLeader() {
      return !!engine && leading;
    },
    get state() {
      return state;
    },
    ready,
    async stop() {
      stopped = true;
      state = "down";
      clearTimeout(retry);
      clearTimeout(leaderTimer);
      await engine?.stop();
      engine = undefined;
      leading = false;
      await releaseLock?.();
      releaseLock = undefined;
      if (globalForEngine.flowchatEngine === embedded) globalForEngine.flowchatEngine = undefined;
    },
  };
  void attempt();
  return embedded;
}
