// The `executor` bench suite: the executor's orchestration overhead and throughput on PGlite
// and PostgreSQL, against a real SDK app served in-process. Reports medians; asserts nothing.
//   sequential: one run of an N-step no-op function → ms per step (N = 10, 50, 100, 200 with
//     checkpointing, the SDK's default; N = 100 one request per step, the classic protocol)
//   throughput: 200 concurrent runs × 10 no-op steps → steps per second
// The real SDK runs signed, as the app's embedded executor does (the stub SDK unsigned).
// Issue 17's metric names: checkpoint_ms_per_step_n10 … _n200, classic_ms_per_step_n100,
// throughput_steps_per_s (checkpointing); the older sequential_step*_ms names stay beside them.
// BENCH_STUB_ONLY=1 measures the stub SDK only; BENCH_PROFILE=1 lists the costliest statements.
import { createHash } from "node:crypto";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { createEngine, type Engine } from "../engine";
import { silentLogger } from "../interfaces";
import { countEndedRuns } from "../sql/count-ended-runs";
import type { Queryable, SqlClient } from "../sql-client";
import { runGraphileAnchor } from "./graphile-anchor";
import { type BenchDriver, median, openDriver, type SuiteOptions } from "./suite";

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
function createApp(engineUrl = "http://127.0.0.1:1", { signed = true } = {}) {
  const client = new Inngest({
    id: "bench",
    isDev: !signed,
    baseUrl: engineUrl,
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

async function waitForCompleted(
  engine: Engine,
  count: number,
  stats?: { queries: number; dbMs: number },
) {
  for (;;) {
    // The probe itself is not the executor's work: take it back out of the counters.
    const before = stats ? { ...stats } : undefined;
    const ended = await countEndedRuns(engine.sql);
    if (stats && before) {
      stats.queries = before.queries;
      stats.dbMs = before.dbMs;
    }
    if (ended >= count) return;
    await new Promise((r) => setTimeout(r, 10));
  }
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
async function bench(driver: BenchDriver, mode: Mode, options: SuiteOptions) {
  const REPEAT = options.repeat;
  const { db, drop } = await openDriver(driver);
  const label = `${driver}${LABELS[mode]}`.padEnd(26);
  const stats = { queries: 0, dbMs: 0 };
  const engine = createEngine({
    instrumentSql: instrument(stats),
    db,
    logger: silentLogger,
    concurrency: 32,
    ...(mode === "checkpointing" ? { port: 0 } : {}),
    ...(mode === "stub" ? {} : SIGNED),
  });
  await engine.start();
  const app =
    mode === "stub"
      ? createStubApp()
      : createApp(mode === "checkpointing" ? engine.url : undefined);
  await engine.sync({ url: "http://bench.test/api/inngest", fetch: app.fetch });
  let done = 0;

  // Warm-up: JIT, prepared statements, the SDK's first-call paths.
  await engine.send({ name: "bench/short" });
  done += 1;
  await waitForCompleted(engine, done);

  const lengths = mode === "checkpointing" ? [...CHECKPOINT_LENGTHS] : [SEQUENTIAL_STEPS];
  const sequentialMs = new Map<number, number>();
  for (const length of lengths) {
    const perStep: number[] = [];
    const sdkShare: number[] = [];
    const dbShare: number[] = [];
    const queriesPerStep: number[] = [];
    const cpuPerStep: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      app.timing.sdkMs = 0;
      stats.queries = 0;
      stats.dbMs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await engine.send({ name: `bench/sequential-${length}` });
      done += 1;
      await waitForCompleted(engine, done, stats);
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      perStep.push(elapsed / length);
      sdkShare.push(app.timing.sdkMs / length);
      dbShare.push(stats.dbMs / length);
      queriesPerStep.push(stats.queries / length);
      cpuPerStep.push((used.user + used.system) / 1000 / length);
    }
    const ms = median(perStep);
    const sdk = median(sdkShare);
    sequentialMs.set(length, ms);
    options.log(
      `${label} sequential ${length} steps: ${ms.toFixed(2)} ms/step wall ` +
        `= SDK handler ${sdk.toFixed(2)} + executor ${(ms - sdk).toFixed(2)} ` +
        `(of which waiting on SQL ${median(dbShare).toFixed(2)} ms, ${median(queriesPerStep).toFixed(1)} statements/step); ` +
        `process CPU ${median(cpuPerStep).toFixed(2)} ms/step [wall per round: ${perStep.map((x) => x.toFixed(2)).join(", ")}]`,
    );
  }

  const throughput: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    await engine.send(Array.from({ length: RUNS }, () => ({ name: "bench/short" })));
    done += RUNS;
    await waitForCompleted(engine, done);
    const elapsed = performance.now() - started;
    throughput.push((RUNS * STEPS_PER_RUN) / (elapsed / 1000));
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
 * The executor suite on each driver: the stub SDK, the real SDK, and checkpointing; then, in
 * the same process, graphile-worker as the anchor (BENCH_NO_ANCHOR=1 skips it).
 */
export async function runExecutorSuite(options: SuiteOptions): Promise<void> {
  await runDrivers(options);
  if (!process.env.BENCH_NO_ANCHOR) await runGraphileAnchor(options);
}

async function runDrivers(options: SuiteOptions): Promise<void> {
  for (const driver of options.drivers) {
    await bench(driver, "stub", options);
    if (process.env.BENCH_PROFILE) {
      const top = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
      for (const [text, { n, ms }] of top) {
        options.log(`  ${(ms / n).toFixed(2)} ms × ${n}  ${text}`);
      }
      profile.clear();
    }
    if (process.env.BENCH_STUB_ONLY) continue;
    await bench(driver, "sdk", options);
    await bench(driver, "checkpointing", options);
  }
}
