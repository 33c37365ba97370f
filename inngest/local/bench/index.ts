// `npm run bench`: the executor's orchestration overhead and throughput on PGlite and
// PostgreSQL, against a real SDK app served in-process. Prints medians; asserts nothing.
//   sequential: one run of a 100-step no-op function → ms per step
//   throughput: 200 concurrent runs × 10 no-op steps → steps per second
// TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) is used to create
// a scratch database; BENCH_DRIVERS=pglite,postgres picks drivers; BENCH_REPEAT the rounds.
import { createHash } from "node:crypto";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createEngine, type Engine } from "../engine";
import { silentLogger } from "../interfaces";
import { countEndedRuns } from "../sql/count-ended-runs";
import type { Queryable, SqlClient } from "../sql-client";

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
const RUNS = 200;
const STEPS_PER_RUN = 10;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The real SDK; `engineUrl` is where its client sends events and checkpoints. */
function createApp(engineUrl = "http://127.0.0.1:1") {
  const client = new Inngest({
    id: "bench",
    isDev: true,
    baseUrl: engineUrl,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  const sequential = client.createFunction(
    { id: "sequential", triggers: [{ event: "bench/sequential" }] },
    async ({ step }) => {
      for (let i = 0; i < SEQUENTIAL_STEPS; i++) await step.run(`s${i}`, () => i);
      return "ok";
    },
  );
  const short = client.createFunction(
    { id: "short", triggers: [{ event: "bench/short" }] },
    async ({ step }) => {
      for (let i = 0; i < STEPS_PER_RUN; i++) await step.run(`s${i}`, () => i);
      return "ok";
    },
  );
  const handler = serve({ client, functions: [sequential, short] });
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
    const total =
      url.searchParams.get("fnId") === "bench-sequential" ? SEQUENTIAL_STEPS : STEPS_PER_RUN;
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
const realConfigFetch = (request: Request) => createApp().fetch(request);

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

async function openDriver(driver: string): Promise<{ db: DbHandle; drop(): Promise<void> }> {
  if (driver === "pglite") {
    const db = await openDatabase({ pgliteDir: "memory://" });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `flowchat_bench_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), max: 10 });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
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
async function bench(driver: string, mode: Mode) {
  const { db, drop } = await openDriver(driver);
  const label = `${driver}${LABELS[mode]}`.padEnd(26);
  const stats = { queries: 0, dbMs: 0 };
  const engine = createEngine({
    instrumentSql: instrument(stats),
    db,
    logger: silentLogger,
    concurrency: 32,
    ...(mode === "checkpointing" ? { port: 0 } : {}),
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
    await engine.send({ name: "bench/sequential" });
    done += 1;
    await waitForCompleted(engine, done, stats);
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    perStep.push(elapsed / SEQUENTIAL_STEPS);
    sdkShare.push(app.timing.sdkMs / SEQUENTIAL_STEPS);
    dbShare.push(stats.dbMs / SEQUENTIAL_STEPS);
    queriesPerStep.push(stats.queries / SEQUENTIAL_STEPS);
    cpuPerStep.push((used.user + used.system) / 1000 / SEQUENTIAL_STEPS);
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
  const ms = median(perStep);
  const sdk = median(sdkShare);
  console.log(
    `${label} sequential ${SEQUENTIAL_STEPS} steps: ${ms.toFixed(2)} ms/step wall ` +
      `= SDK handler ${sdk.toFixed(2)} + executor ${(ms - sdk).toFixed(2)} ` +
      `(of which waiting on SQL ${median(dbShare).toFixed(2)} ms, ${median(queriesPerStep).toFixed(1)} statements/step); ` +
      `process CPU ${median(cpuPerStep).toFixed(2)} ms/step [wall per round: ${perStep.map((x) => x.toFixed(2)).join(", ")}]`,
  );
  console.log(
    `${label} throughput ${RUNS} runs × ${STEPS_PER_RUN} steps: ${median(throughput).toFixed(0)} steps/s ` +
      `[runs: ${throughput.map((x) => x.toFixed(0)).join(", ")}]`,
  );
}

const drivers = (process.env.BENCH_DRIVERS ?? "pglite,postgres").split(",");
// `npm run bench -- [--json] [suite …]`: the named suites only (all without names); `--json`
// prints one JSON object per metric and line. (Minimal; the history suite's framework replaces it.)
const args = process.argv.slice(2);
const json = args.includes("--json");
const suites = args.filter((a) => !a.startsWith("--"));
if (suites.length === 0 || suites.includes("live")) {
  const { runLiveSuite } = await import("./live");
  const rows = await runLiveSuite({ drivers, json });
  if (json) for (const row of rows) console.log(JSON.stringify(row));
  if (suites.length > 0 && suites.every((s) => s === "live")) process.exit(0);
}
const load = (await import("node:os")).loadavg()[0];
console.log(
  `load average ${load.toFixed(2)} on ${(await import("node:os")).cpus().length} CPUs (other processes inflate wall times)`,
);
for (const driver of drivers) {
  await bench(driver.trim(), "stub");
  if (process.env.BENCH_PROFILE) {
    const top = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    for (const [text, { n, ms }] of top) {
      console.log(`  ${(ms / n).toFixed(2)} ms × ${n}  ${text}`);
    }
    profile.clear();
  }
  if (process.env.BENCH_STUB_ONLY) continue;
  await bench(driver.trim(), "sdk");
  await bench(driver.trim(), "checkpointing");
}
process.exit(0);
