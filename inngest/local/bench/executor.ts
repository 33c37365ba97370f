// The `executor` bench suite: the executor's orchestration overhead and throughput on PGlite
// and PostgreSQL, against a real SDK app served in-process. Reports medians; asserts nothing.
//   sequential: one run of an N-step no-op function → ms per step (N = 10, 50, 100, 200 with
//     checkpointing, the SDK's default; N = 100 one request per step, the classic protocol)
//   throughput: 200 concurrent runs × 10 no-op steps → steps per second
// The real SDK runs signed, as the app's embedded executor does (the stub SDK unsigned).
// Issue 17's metric names: checkpoint_ms_per_step_n10 … _n200, classic_ms_per_step_n100,
// throughput_steps_per_s (checkpointing); the older sequential_step*_ms names stay beside them.
// On PostgreSQL, graphile-worker's rounds run interleaved with checkpointing's (a hop chain
// before each sequential round, a burst of jobs before each throughput round), and the paired
// ratios are reported: checkpoint_to_graphile_hop_ratio_n10 … _n200, throughput_to_graphile_ratio.
// BENCH_STUB_ONLY=1 measures the stub SDK only; BENCH_EXECUTOR_MODES=stub,sdk,checkpointing picks
// modes; BENCH_PROFILE=1 lists the costliest statements; BENCH_PGLITE_DIR=<dir> puts PGlite on
// disk as the app does (~12 % slower than in memory: 0.89 vs 0.78 ms per step, 1,011 vs 1,150
// steps/s).
import { createHash } from "node:crypto";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { createEngine, type Engine } from "../engine";
import { type EngineLogger, silentLogger } from "../interfaces";
import { countEndedRuns } from "../sql/count-ended-runs";
import type { Queryable, SqlClient } from "../sql-client";
import { type GraphileAnchor, openGraphileAnchor, reportGraphileAnchor } from "./graphile-anchor";
import { type BenchDriver, clientFetch, median, openDriver, type SuiteOptions } from "./suite";

const profile = new Map<string, { n: number; ms: number }>();

/** Counts statements and the wall time spent waiting on them (per statement with BENCH_PROFILE=1). */
function instrument(stats: { queries: number; dbMs: number }) {
  return (sql: SqlClient): SqlClient => {
    const wrap = (q: Queryable): Queryable => ({
      async query(text, params) {
        const started = performance.now();
        try {
          return await q.query(text, params);
        } finally {
          const ms = performance.now() - started;
          stats.queries++;
          stats.dbMs += ms;
          if (process.env.BENCH_PROFILE) {
            const key = text.replace(/\s+/g, " ").slice(0, 90);
            const entry = profile.get(key) ?? { n: 0, ms: 0 };
            entry.n++;
            entry.ms += ms;
            profile.set(key, entry);
          }
        }
      },
    });
    return {
      driver: sql.driver,
      close: () => sql.close(),
      query: wrap(sql).query,
      tx: (fn) => {
        stats.queries += 2; // begin and commit
        return sql.tx((q) => fn(wrap(q)));
      },
    };
  };
}

const SEQUENTIAL_STEPS = 100;
/** The run lengths checkpointing is measured at: flat means N=200 costs what N=10 does. */
const CHECKPOINT_LENGTHS = [10, 50, 100, 200] as const;
const LENGTHS = [...new Set([SEQUENTIAL_STEPS, ...CHECKPOINT_LENGTHS])];
const RUNS = 200;
const STEPS_PER_RUN = 10;

/**
 * Keys of the real-SDK modes: as the app runs the embedded executor, every call to the app,
 * every answer and every checkpoint is signed and checked (the interpreter suite's app too,
 * so the two suites compare like with like).
 */
const SIGNED = {
  signingKey: `signkey-prod-${createHash("sha256").update("bench").digest("hex")}`,
  eventKey: "bench-event-key",
};

/** The real SDK; `engineUrl` is where its client sends events and checkpoints. */
function createApp(engine?: Engine, { signed = true } = {}) {
  const client = new Inngest({
    id: "bench",
    isDev: !signed,
    baseUrl: engine?.url ?? "http://127.0.0.1:1",
    ...(engine ? { fetch: clientFetch(engine) } : {}),
    ...(signed ? SIGNED : {}),
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  const sequential = LENGTHS.map((n) =>
    client.createFunction(
      { id: `sequential-${n}`, triggers: [{ event: `bench/sequential-${n}` }] },
      async ({ step }) => {
        for (let i = 0; i < n; i++) await step.run(`s${i}`, () => i);
        return "ok";
      },
    ),
  );
  const short = client.createFunction(
    { id: "short", triggers: [{ event: "bench/short" }] },
    async ({ step }) => {
      for (let i = 0; i < STEPS_PER_RUN; i++) await step.run(`s${i}`, () => i);
      return "ok";
    },
  );
  const handler = serve({ client, functions: [...sequential, short] });
  const timing = { sdkMs: 0, calls: 0 };
  const fetch = async (request: Request) => {
    const started = performance.now();
    const method = request.method as "POST" | "PUT";
    const res = await (handler[method] as (r: Request, c: unknown) => Promise<Response>)(
      request,
      {},
    );
    timing.sdkMs += performance.now() - started;
    timing.calls++;
    return res;
  };
  return { fetch, timing };
}

/**
 * A stand-in for the SDK that answers the protocol with no user code and no replay: each
 * call returns the next step as StepRun (or 200 after the last), so what is left to measure
 * is the executor itself.
 */
function createStubApp() {
  const timing = { sdkMs: 0, calls: 0 };
  const fetch = async (request: Request) => {
    if (request.method === "PUT") return realConfigFetch(request);
    const started = performance.now();
    const url = new URL(request.url);
    const length = /^bench-sequential-(\d+)$/.exec(url.searchParams.get("fnId") ?? "")?.[1];
    const total = length ? Number(length) : STEPS_PER_RUN;
    const body = (await request.json()) as { steps: Record<string, unknown> };
    const n = Object.keys(body.steps).length;
    const res =
      n >= total
        ? new Response('"ok"', { status: 200 })
        : new Response(
            JSON.stringify([
              {
                id: createHash("sha1").update(`s${n}`).digest("hex"),
                op: "StepRun",
                name: `s${n}`,
                data: n,
              },
            ]),
            { status: 206 },
          );
    timing.sdkMs += performance.now() - started;
    timing.calls++;
    return res;
  };
  return { fetch, timing };
}

// The stub syncs with the real SDK's config, so both apps declare the same functions.
const realConfigFetch = (request: Request) =>
  createApp(undefined, { signed: false }).fetch(request);

/**
 * Counts ended runs as the engine logs them (right after the commit that ends each run), so
 * a round's time is event sent → last run ended with no polling granularity or probe queries
 * in it (a 10 ms poll added up to 1 ms per step to a 10-step run). `until(n)` resolves once
 * n runs have ended; the count is checked against the database after each round.
 */
function runEnds() {
  let ended = 0;
  let waiting: { count: number; resolve: () => void }[] = [];
  const logger: EngineLogger = {
    ...silentLogger,
    info(message) {
      if (!/^run \S+ (completed|failed)$/.test(message)) return;
      ended += 1;
      const due = waiting.filter((w) => w.count <= ended);
      if (!due.length) return;
      waiting = waiting.filter((w) => w.count > ended);
      for (const w of due) w.resolve();
    },
  };
  return {
    logger,
    until(count: number): Promise<void> {
      if (ended >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
  };
}

/** The runs the engine logged as ended are the runs the database has ended. */
async function checkEnded(engine: Engine, count: number) {
  const stored = await countEndedRuns(engine.sql);
  if (stored !== count) throw new Error(`${count} runs logged as ended, ${stored} in the database`);
}

type Mode = "stub" | "sdk" | "checkpointing";
const LABELS: Record<Mode, string> = {
  stub: " (stub SDK)",
  sdk: "",
  checkpointing: " (checkpointing)",
};

/**
 * stub: the executor alone. sdk: the real SDK, one request per step. checkpointing: the real
 * SDK running several steps per request and posting each result to the executor's API (the
 * SDK's default; its "SDK handler" time then includes those posts).
 */
async function bench(
  driver: BenchDriver,
  mode: Mode,
  options: SuiteOptions,
  anchor?: { graphile: GraphileAnchor; perHop: number[]; perSecond: number[] },
) {
  const REPEAT = options.repeat;
  const { db, drop } = await openDriver(driver);
  const label = `${driver}${LABELS[mode]}`.padEnd(26);
  const stats = { queries: 0, dbMs: 0 };
  const ends = runEnds();
  const engine = createEngine({
    instrumentSql: instrument(stats),
    db,
    logger: ends.logger,
    concurrency: 32,
    ...(mode === "checkpointing" ? { port: 0 } : {}),
    ...(mode === "stub" ? {} : SIGNED),
  });
  await engine.start();
  const app =
    mode === "stub" ? createStubApp() : createApp(mode === "checkpointing" ? engine : undefined);
  await engine.sync({ url: "http://bench.test/api/inngest", fetch: app.fetch });
  let done = 0;

  // Warm-up: JIT, prepared statements, the SDK's first-call paths.
  await engine.send({ name: "bench/short" });
  done += 1;
  await ends.until(done);

  const lengths = mode === "checkpointing" ? [...CHECKPOINT_LENGTHS] : [SEQUENTIAL_STEPS];
  // And 200 unmeasured steps of each length (20 runs of 10 … one of 200), so its rounds are
  // the steady state and not the JIT compiling the paths of a run's start and end, which a
  // 10-step run takes ten times as often per step: with one warm-up run, N=10 measured
  // 1.7–1.9 ms per step; warm, 1.3–1.4 (a server that has run a few dozen runs is warm).
  // graphile-worker's hops are measured warm too (500 per round, after its own warm-up).
  for (const length of lengths) {
    for (let i = 0; i < Math.max(1, 200 / length); i++) {
      await engine.send({ name: `bench/sequential-${length}` });
      done += 1;
      await ends.until(done);
    }
  }
  const sequentialMs = new Map<number, number>();
  const hopRatios = new Map<number, number>();
  for (const length of lengths) {
    const ratios: number[] = [];
    const perStep: number[] = [];
    const sdkShare: number[] = [];
    const dbShare: number[] = [];
    const queriesPerStep: number[] = [];
    const cpuPerStep: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const hop = await anchor?.graphile.hopRound();
      if (hop !== undefined) anchor?.perHop.push(hop);
      app.timing.sdkMs = 0;
      stats.queries = 0;
      stats.dbMs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await engine.send({ name: `bench/sequential-${length}` });
      done += 1;
      await ends.until(done);
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      perStep.push(elapsed / length);
      if (hop !== undefined) ratios.push(elapsed / length / hop);
      sdkShare.push(app.timing.sdkMs / length);
      dbShare.push(stats.dbMs / length);
      queriesPerStep.push(stats.queries / length);
      cpuPerStep.push((used.user + used.system) / 1000 / length);
      await checkEnded(engine, done);
    }
    const ms = median(perStep);
    const sdk = median(sdkShare);
    sequentialMs.set(length, ms);
    if (ratios.length) hopRatios.set(length, median(ratios));
    options.log(
      `${label} sequential ${length} steps: ${ms.toFixed(2)} ms/step wall ` +
        `= SDK handler ${sdk.toFixed(2)} + executor ${(ms - sdk).toFixed(2)} ` +
        `(of which waiting on SQL ${median(dbShare).toFixed(2)} ms, ${median(queriesPerStep).toFixed(1)} statements/step); ` +
        `process CPU ${median(cpuPerStep).toFixed(2)} ms/step [wall per round: ${perStep.map((x) => x.toFixed(2)).join(", ")}]`,
    );
  }

  // One unmeasured burst first: its connections, prepared statements and the concurrent
  // paths' JIT cost the first burst up to a third of its rate (graphile-worker gets the same).
  await engine.send(Array.from({ length: RUNS }, () => ({ name: "bench/short" })));
  done += RUNS;
  await ends.until(done);
  const throughput: number[] = [];
  const throughputRatios: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const jobs = await anchor?.graphile.jobsRound();
    if (jobs !== undefined) anchor?.perSecond.push(jobs);
    const started = performance.now();
    await engine.send(Array.from({ length: RUNS }, () => ({ name: "bench/short" })));
    done += RUNS;
    await ends.until(done);
    const elapsed = performance.now() - started;
    throughput.push((RUNS * STEPS_PER_RUN) / (elapsed / 1000));
    await checkEnded(engine, done);
    if (jobs !== undefined) throughputRatios.push(throughput[i] / jobs);
  }
  await engine.stop();
  await drop();
  const name = mode === "sdk" ? "" : `_${mode}`;
  const ms = sequentialMs.get(SEQUENTIAL_STEPS) ?? Number.NaN;
  options.report({ driver, metric: `sequential_step${name}_ms`, value: ms, unit: "ms" });
  options.report({
    driver,
    // The classic protocol's is not `throughput_steps_per_s`: that name is the contract's
    // figure, checkpointing's (below); one name, one figure per driver.
    metric: mode === "sdk" ? "throughput_classic_steps_per_s" : `throughput${name}_steps_per_s`,
    value: median(throughput),
    unit: "steps/s",
  });
  if (mode === "checkpointing") {
    for (const [length, value] of sequentialMs) {
      options.report({ driver, metric: `checkpoint_ms_per_step_n${length}`, value, unit: "ms" });
    }
    options.report({
      driver,
      metric: "throughput_steps_per_s",
      value: median(throughput),
      unit: "steps/s",
    });
    // Each the median of per-round ratios against the graphile round just before it.
    for (const [length, value] of hopRatios) {
      options.report({
        driver,
        metric: `checkpoint_to_graphile_hop_ratio_n${length}`,
        value,
        unit: "ratio",
      });
    }
    if (throughputRatios.length) {
      options.report({
        driver,
        metric: "throughput_to_graphile_ratio",
        value: median(throughputRatios),
        unit: "ratio",
      });
    }
  }
  if (mode === "sdk") {
    options.report({ driver, metric: "classic_ms_per_step_n100", value: ms, unit: "ms" });
  }
  options.log(
    `${label} throughput ${RUNS} runs × ${STEPS_PER_RUN} steps: ${median(throughput).toFixed(0)} steps/s ` +
      `[runs: ${throughput.map((x) => x.toFixed(0)).join(", ")}]`,
  );
}

/**
 * The executor suite on each driver: the stub SDK, the real SDK, and checkpointing; on
 * PostgreSQL, checkpointing's rounds interleaved with graphile-worker's, the anchor, in the
 * same process (BENCH_NO_ANCHOR=1 skips it).
 */
export async function runExecutorSuite(options: SuiteOptions): Promise<void> {
  // BENCH_EXECUTOR_MODES=checkpointing (say) runs only those modes, for quick comparisons.
  const modes = (process.env.BENCH_EXECUTOR_MODES ?? "stub,sdk,checkpointing").split(",");
  for (const driver of options.drivers) {
    if (modes.includes("stub")) await bench(driver, "stub", options);
    logProfile(options);
    if (process.env.BENCH_STUB_ONLY) continue;
    if (modes.includes("sdk")) await bench(driver, "sdk", options);
    logProfile(options);
    if (!modes.includes("checkpointing")) continue;
    if (driver !== "postgres" || process.env.BENCH_NO_ANCHOR) {
      await bench(driver, "checkpointing", options);
      logProfile(options);
      continue;
    }
    const anchor = { graphile: await openGraphileAnchor(), perHop: [], perSecond: [] };
    try {
      await bench(driver, "checkpointing", options, anchor);
    } finally {
      await anchor.graphile.close();
    }
    logProfile(options);
    reportGraphileAnchor(options, anchor.perHop, anchor.perSecond);
  }
}

/** With BENCH_PROFILE=1: the statements that took the most time in all, since the last call. */
function logProfile(options: SuiteOptions) {
  if (!process.env.BENCH_PROFILE) return;
  const top = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [text, { n, ms }] of top) {
    options.log(`  ${(ms / n).toFixed(2)} ms × ${n}  ${text}`);
  }
  profile.clear();
}
