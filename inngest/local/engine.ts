// The programmatic API over the executor: sync apps, accept events, run the queue, read run
// history. The CLI, the embedded start and the tests all go through createEngine.
import type { DbHandle } from "@/lib/db/client";
import { type Backoff, defaultBackoff } from "./backoff";
import { Dispatcher } from "./dispatcher";
import { endpointRunEvents, endpointRunOutput, endpointRunSteps } from "./durable-endpoint";
import { eventIds } from "./event-ids";
import { executeGql, type GqlRequest } from "./gql/execute";
import { ulid } from "./ids";
import type { InProcessApi } from "./in-process-fetch";
import {
  type AppTarget,
  consoleLogger,
  type EngineLogger,
  type EventInput,
  type RunDetail,
  type RunSummary,
} from "./interfaces";
import { hashSigningKey } from "./protocol/signing";
import { Registry } from "./registry";
import { applyMetadataRequest } from "./run-metadata";
import { handleApiRequest, type ServerApi, startServer } from "./server";
import { commitSynchronously } from "./sql/commit-synchronously";
import { getRun } from "./sql/get-run";
import { holdWorkerLock } from "./sql/hold-worker-lock";
import { insertEvents } from "./sql/insert-events";
import { listLiveWorkers } from "./sql/list-live-workers";
import { type ListRunsFilter, listRuns } from "./sql/list-runs";
import { loadFunctions } from "./sql/load-functions";
import { JOBS_CHANNEL, notifyJobs } from "./sql/notify-jobs";
import { pruneEndedRuns } from "./sql/prune-ended-runs";
import { pruneFlowLimits } from "./sql/prune-flow-limits";
import { pruneOldEvents } from "./sql/prune-old-events";
import { releaseOrphanedJobs } from "./sql/release-orphaned-jobs";
import { resetLockedJobs } from "./sql/reset-locked-jobs";
import { saveApp } from "./sql/save-app";
import { syncCronJobs } from "./sql/sync-cron-jobs";
import { createSqlClient, type SqlClient } from "./sql-client";
import { type AppConfig, fetchAppConfig, parseRegisterBody } from "./sync";
import { Worker } from "./worker";

const HOUR_MS = 3_600_000;
const PRUNE_BATCH = 500;
/** Advisory-lock namespace (first key) of the workers' liveness locks. */
const WORKER_LOCK_NAMESPACE = 421_531_002;
/** Orphaned jobs are looked for when a worker's lock goes, and at least this often. */
const ORPHAN_SWEEP_MS = 30_000;
/** Ended runs keep their memo for 7 days by default (INNGEST_EMBEDDED_RETENTION_DAYS). */
const DEFAULT_RETENTION: { keepMs: number; everyMs?: number } = { keepMs: 7 * 24 * HOUR_MS };

export type EngineOptions = {
  db: DbHandle;
  /** Apps to sync on start (in-band). More can be synced later with `sync`. */
  apps?: AppTarget[];
  /** Port of the Dev-Server-like HTTP API; 0 picks a free one; omit for no HTTP server. */
  port?: number;
  host?: string;
  /**
   * Signs every request to the apps (needed when their client is not in dev mode) and, when
   * set, is required of every caller of the HTTP API but GET /health (as a bearer of its hash,
   * as Inngest's API takes it).
   */
  signingKey?: string;
  /** When set, POST /e/:key only accepts this key. Required with a signing key. */
  eventKey?: string;
  /**
   * Let SDKs checkpoint: run several steps per request and post each result to
   * `/v1/checkpoint/:run/async` (Inngest's default). Needs the HTTP API, and apps whose
   * client's base URL is this executor; default: on when `port` is set.
   */
  checkpointing?: boolean;
  /** Delay before retry n (0-based); Inngest's 15s, 30s, 1m… by default. */
  backoff?: Backoff;
  /** Jobs processed at once. */
  concurrency?: number;
  /** Safety-net poll; the queue is otherwise woken by NOTIFY and timers. */
  pollIntervalMs?: number;
  logger?: EngineLogger;
  /**
   * PostgreSQL: commit step results and queue changes without waiting for the WAL flush
   * (default true; see SqlClientOptions). Accepted events always commit synchronously.
   */
  asyncCommit?: boolean;
  /** Wraps the SQL client (the benchmark counts queries and their time with it). */
  instrumentSql?: (sql: SqlClient) => SqlClient;
  /**
   * How long ended runs keep their memo, attempts and events (the app keeps its own run
   * history); pruned at start and then every `everyMs` (default hourly). `false`: never.
   */
  retention?: { keepMs: number; everyMs?: number } | false;
  /**
   * Whether this engine does the chores that must run in one process only (pruning), asked
   * each time; default always. Several engines may work one PostgreSQL queue at once: the
   * embedded start gives the chores to the holder of its leader lock.
   */
  maintenance?: () => boolean;
  /**
   * PostgreSQL: how often to look for workers whose process is gone, whose claimed jobs then
   * go back to the queue (default 1 s). Each worker holds an advisory lock for as long as its
   * session lives.
   */
  orphanCheckMs?: number;
  /** A fake clock for tests (epoch ms): when jobs are due and cron ticks are computed. */
  clock?: () => number;
};

export type Engine = {
  /** Syncs the configured apps, starts the HTTP API and the queue. */
  start(): Promise<void>;
  /** Stops taking work and waits for requests in flight; leaves the database open. */
  stop(): Promise<void>;
  /** In-band sync of one app; throws UnsupportedConfigError listing refused options. */
  sync(app: string | AppTarget): Promise<AppConfig>;
  /** Accepts events as POST /e/:key does; returns their ids. */
  send(events: EventInput | EventInput[]): Promise<string[]>;
  listRuns(filter?: ListRunsFilter): Promise<RunSummary[]>;
  getRun(id: string): Promise<RunDetail | undefined>;
  /**
   * Deletes ended runs (memo, attempts) and events older than the retention, in batches;
   * answers how many of each went. The engine calls it on its own while started.
   */
  prune(now?: Date): Promise<{ runs: number; events: number }>;
  /** Resolves once the run has ended (completed, failed or cancelled). */
  waitForRun(id: string, options?: { timeoutMs?: number }): Promise<RunDetail>;
  /** Base URL of the HTTP API once started (what the app's client uses as baseUrl). */
  readonly url: string | undefined;
  /** The same API for a client in this process (in-process-fetch.ts), once started. */
  readonly api: InProcessApi | undefined;
  readonly port: number | undefined;
  readonly sql: SqlClient;
};

export function createEngine(options: EngineOptions): Engine {
  if (options.signingKey && !options.eventKey) {
    throw new Error("An engine with a signing key needs an event key too");
  }
  const logger = options.logger ?? consoleLogger;
  const base = createSqlClient(options.db, { asyncCommit: options.asyncCommit ?? true });
  const sql = options.instrumentSql ? options.instrumentSql(base) : base;
  const registry = new Registry([...(options.apps ?? [])]);
  let dispatcher: Dispatcher | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let api: InProcessApi | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const wake = () => dispatcher?.wake();
  let stopped = true;
  const retryTimers = new Set<NodeJS.Timeout>();
  const retention = options.retention === undefined ? DEFAULT_RETENTION : options.retention;
  let pruneTimer: NodeJS.Timeout | undefined;
  let pruning: Promise<unknown> | undefined;
  const workerId = `worker-${ulid()}`;
  const clock = options.clock ?? Date.now;
  let releaseWorkerLock: (() => Promise<void>) | undefined;
  let orphanTimer: NodeJS.Timeout | undefined;
  let orphanCheck: Promise<unknown> | undefined;
  let liveWorkers = new Set<string>();
  let lastSweep = 0;

  /**
   * PostgreSQL: frees the jobs of workers whose process is gone (see release-orphaned-jobs):
   * each time a worker's lock has gone since the last look (pg_locks only, cheap), and every
   * ORPHAN_SWEEP_MS for a worker that came and went between two looks.
   */
  async function sweepOrphans() {
    const live = await listLiveWorkers(sql, WORKER_LOCK_NAMESPACE);
    const gone = [...liveWorkers].some((id) => !live.has(id));
    liveWorkers = live;
    if (!gone && Date.now() - lastSweep < ORPHAN_SWEEP_MS) return;
    lastSweep = Date.now();
    const ids = await releaseOrphanedJobs(sql, WORKER_LOCK_NAMESPACE);
    if (ids.length === 0) return;
    logger.info(`took back ${ids.length} jobs from a worker that is gone`);
    wake();
  }

  function releaseOrphans() {
    if (stopped || orphanCheck) return;
    orphanCheck = sweepOrphans()
      .catch((error) => logger.warn("releasing orphaned jobs failed", { error: String(error) }))
      .finally(() => {
        orphanCheck = undefined;
      });
  }

  async function prune(now = new Date()) {
    const keepMs = retention ? retention.keepMs : DEFAULT_RETENTION.keepMs;
    const before = new Date(now.getTime() - keepMs);
    const pruned = { runs: 0, events: 0 };
    // Small batches, each its own statement: the queue keeps moving between them.
    for (;;) {
      const n = await pruneEndedRuns(sql, { before, limit: PRUNE_BATCH });
      pruned.runs += n;
      if (n < PRUNE_BATCH) break;
    }
    for (;;) {
      const n = await pruneOldEvents(sql, { before, limit: PRUNE_BATCH });
      pruned.events += n;
      if (n < PRUNE_BATCH) break;
    }
    // Flow-control limit states that have run out (tat passed) mean the same as none.
    await pruneFlowLimits(sql);
    if (pruned.runs > 0 || pruned.events > 0) {
      logger.info(`pruned ${pruned.runs} ended runs and ${pruned.events} events`, {
        before: before.toISOString(),
      });
    }
    return pruned;
  }

  function prunePeriodically() {
    if (stopped || pruning || !(options.maintenance?.() ?? true)) return;
    pruning = prune()
      .catch((error) => logger.warn("pruning ended runs failed", { error: String(error) }))
      .finally(() => {
        pruning = undefined;
      });
  }

  async function syncUntilDone(target: AppTarget, delayMs = 250): Promise<void> {
    if (stopped) return;
    try {
      await engine.sync(target);
    } catch (error) {
      logger.warn(`sync of ${target.url} failed; retrying`, { error: (error as Error).message });
      const timer = setTimeout(() => {
        retryTimers.delete(timer);
        void syncUntilDone(target, Math.min(delayMs * 2, 5000));
      }, delayMs);
      retryTimers.add(timer);
    }
  }
  const worker = new Worker({
    sql,
    registry,
    logger,
    backoff: options.backoff ?? defaultBackoff,
    signingKey: options.signingKey,
    checkpointing: options.checkpointing ?? options.port !== undefined,
    wake,
    workerId: () => workerId,
    isRunning: () => dispatcher?.isRunning ?? false,
    clock,
  });

  async function reloadFunctions() {
    const functions = await loadFunctions(sql);
    registry.setFunctions(functions);
    await sql.tx((q) => syncCronJobs(q, functions, clock()));
    wake();
  }

  async function register(config: AppConfig) {
    await sql.tx((q) =>
      saveApp(
        q,
        { id: config.appId, url: config.url, framework: config.framework, sdk: config.sdk },
        config.functions,
      ),
    );
    await reloadFunctions();
    logger.info(`synced app ${config.appId}`, {
      url: config.url,
      functions: config.functions.map((f) => f.id),
    });
  }

  async function send(events: EventInput | EventInput[], idSeed?: string | null) {
    const list = Array.isArray(events) ? events : [events];
    const ids = eventIds(list.length, idSeed);
    const stored =
      list.length === 1
        ? await insertEvents(sql, list, { ids, standalone: true })
        : await sql.tx(async (q) => {
            // An acknowledged event must survive even a database crash.
            if (sql.driver === "postgres") await commitSynchronously(q);
            const rows = await insertEvents(q, list, { ids });
            await notifyJobs(q);
            return rows;
          });
    wake();
    return stored.map((e) => e.id);
  }

  const engine: Engine = {
    sql,
    get url() {
      return server?.url;
    },
    get port() {
      return server?.port;
    },
    get api() {
      return api;
    },
    async start() {
      const client = options.db.client;
      if (client.kind === "postgres") {
        // Several processes may work this queue: this worker is alive while it holds its
        // lock, and only the jobs of workers that hold none are taken back.
        releaseWorkerLock = await holdWorkerLock(
          await client.sql.reserve(),
          WORKER_LOCK_NAMESPACE,
          workerId,
        );
        liveWorkers = await listLiveWorkers(sql, WORKER_LOCK_NAMESPACE);
        lastSweep = Date.now();
        await releaseOrphanedJobs(sql, WORKER_LOCK_NAMESPACE);
      } else {
        // One process owns a PGlite directory: every lock left is a dead one's.
        await resetLockedJobs(sql);
      }
      registry.setFunctions(await loadFunctions(sql));
      dispatcher = new Dispatcher({
        sql,
        logger,
        process: (job) => worker.process(job),
        maxInFlight: options.concurrency ?? 32,
        pollIntervalMs: options.pollIntervalMs ?? 5000,
        workerId,
        clock: options.clock,
      });
      if (options.port !== undefined) {
        const serverApi: ServerApi = {
          send,
          auth: {
            bearerTokens: options.signingKey ? [hashSigningKey(options.signingKey)] : undefined,
            eventKey: options.eventKey,
          },
          logger,
          async register(body) {
            const config = parseRegisterBody(body as never);
            if (!registry.targetFor(config.url)) registry.addTarget({ url: config.url });
            await register(config);
            return { modified: true };
          },
          describe: async () => ({
            version: "flowchat-engine",
            functions: [...registry.functions.values()].map((f) => f.config),
            handlers: registry.appTargets.map((t) => ({ url: t.url })),
          }),
          listRuns: (params) =>
            listRuns(sql, {
              functionId: params.get("function") ?? undefined,
              status: (params.get("status") as never) ?? undefined,
              limit: Number(params.get("limit") ?? 100),
            }),
          getRun: (id) => getRun(sql, id),
          graphql: (request) => executeGql(sql, request as GqlRequest),
          checkpoint: (runId, body) => worker.checkpoint(runId, body as never),
          startEndpointRun: (body) => worker.startEndpointRun(body),
          checkpointEndpoint: (runId, body) => worker.checkpointEndpoint(runId, body),
          endpointOutput: (runId, token) =>
            endpointRunOutput({ sql, signingKey: options.signingKey }, runId, token),
          runSteps: (runId) => endpointRunSteps(sql, runId),
          runEvents: (runId) => endpointRunEvents(sql, runId),
          updateMetadata: (runId, body) => applyMetadataRequest(sql, runId, body),
        };
        server = await startServer(serverApi, options.port, options.host);
        const url = server.url;
        api = { url, handle: (request) => handleApiRequest(serverApi, request) };
      }
      unlisten = await options.db.listen(JOBS_CHANNEL, () => wake());
      dispatcher.start();
      stopped = false;
      if (releaseWorkerLock) {
        orphanTimer = setInterval(releaseOrphans, options.orphanCheckMs ?? 1000);
        orphanTimer.unref();
      }
      if (retention) {
        prunePeriodically();
        pruneTimer = setInterval(prunePeriodically, retention.everyMs ?? HOUR_MS);
        pruneTimer.unref();
      }
      // The app may not be listening yet (it often starts alongside us): keep trying in the
      // background rather than failing the start.
      for (const target of options.apps ?? []) void syncUntilDone(target);
    },
    async stop() {
      stopped = true;
      for (const t of retryTimers) clearTimeout(t);
      clearInterval(pruneTimer);
      clearInterval(orphanTimer);
      await pruning;
      await orphanCheck;
      await unlisten?.().catch(() => {});
      unlisten = undefined;
      await dispatcher?.stop();
      api = undefined;
      await server?.close();
      server = undefined;
      // Last: until the jobs in flight are done, other processes must not take them.
      await releaseWorkerLock?.();
      releaseWorkerLock = undefined;
      await sql.close();
    },
    async sync(app) {
      const target = typeof app === "string" ? (registry.targetFor(app) ?? { url: app }) : app;
      registry.addTarget(target);
      const config = await fetchAppConfig(target, options.signingKey);
      // An app this engine syncs itself is one it may call for its functions, whatever URL
      // another process synced it under last.
      registry.setOwnCopy(config.appId, target);
      await register(config);
      return config;
    },
    send,
    listRuns: (filter) => listRuns(sql, filter),
    getRun: (id) => getRun(sql, id),
    prune,
    async waitForRun(id, { timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await getRun(sql, id);
        if (
          run &&
          (run.status === "completed" || run.status === "failed" || run.status === "cancelled")
        ) {
          return run;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Run ${id} did not finish within ${timeoutMs} ms (status ${run?.status})`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  return engine;
}
