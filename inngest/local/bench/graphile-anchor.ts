// The anchor the executor suite is judged against, measured in the same process and run: a
// peer Postgres job queue, graphile-worker (a devDependency, on a scratch database of its own).
//   graphile_ms_per_hop: a chain of 500 jobs, each adding the next when it runs → ms per hop
//   graphile_jobs_per_s: 5,000 no-op jobs at concurrency 10 → jobs per second
// PostgreSQL only (graphile-worker needs a real server).
import { type Runner, run } from "graphile-worker";
import pg from "pg";
import postgres from "postgres";
import { ADMIN_URL, median, type SuiteOptions } from "./suite";

const HOPS = 500;
const JOBS = 5000;
const CONCURRENCY = 10;

const silent = () => () => {};
const logger = {
  scope: () => logger,
  debug: silent,
  info: silent,
  warn: silent,
  error: silent,
};

async function scratchDatabase() {
  const name = `flowchat_bench_graphile_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

export async function runGraphileAnchor(options: SuiteOptions): Promise<void> {
  if (!options.drivers.includes("postgres")) return;
  const database = await scratchDatabase();
  let onHop: (n: number) => void = () => {};
  let onJob: () => void = () => {};
  let runner: Runner | undefined;
  // graphile-worker's pool, ours to end: its idle connections are closed before the scratch
  // database is dropped (a connection the drop terminates would be an unhandled error).
  const pool = new pg.Pool({ connectionString: database.url, max: CONCURRENCY + 2 });
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  try {
    runner = await run({
      pgPool: pool,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 1000,
      // graphile-worker's Logger is a class; a structurally equal object is all it calls.
      logger: logger as never,
      taskList: {
        hop: async (payload, helpers) => {
          const n = (payload as { n: number }).n;
          if (n < HOPS) await helpers.addJob("hop", { n: n + 1 });
          onHop(n);
        },
        noop: async () => {
          onJob();
        },
      },
    });
    const active = runner;
    // Warm-up: the first jobs pay for connections and prepared statements.
    await new Promise<void>((resolve) => {
      onJob = resolve;
      void active.addJob("noop", {});
    });

    const perHop: number[] = [];
    const perSecond: number[] = [];
    for (let round = 0; round < options.repeat; round++) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        onHop = (n) => {
          if (n === HOPS) resolve();
        };
        void active.addJob("hop", { n: 1 });
      });
      perHop.push((performance.now() - started) / HOPS);

      let left = JOBS;
      const jobsStarted = performance.now();
      await new Promise<void>((resolve) => {
        onJob = () => {
          left -= 1;
          if (left === 0) resolve();
        };
        // One statement adds them all, as an app enqueuing a burst would.
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        void sql`select graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, json_build_object('identifier', 'noop', 'payload', '{}'::json)) from generate_series(1, ${JOBS})))`.finally(
          () => sql.end(),
        );
      });
      perSecond.push(JOBS / ((performance.now() - jobsStarted) / 1000));
    }
    const hop = median(perHop);
    const jobs = median(perSecond);
    options.report({ driver: "postgres", metric: "graphile_ms_per_hop", value: hop, unit: "ms" });
    options.report({
      driver: "postgres",
      metric: "graphile_jobs_per_s",
      value: jobs,
      unit: "jobs/s",
    });
    options.log(
      `postgres (graphile-worker 0.18) chain of ${HOPS} hops: ${hop.toFixed(2)} ms/hop; ${JOBS} no-op jobs at concurrency ${CONCURRENCY}: ${jobs.toFixed(0)} jobs/s ` +
        `[rounds: ${perHop.map((x) => x.toFixed(2)).join(", ")} ms/hop; ${perSecond.map((x) => x.toFixed(0)).join(", ")} jobs/s]`,
    );
  } finally {
    await runner?.stop();
    await pool.end();
    await database.drop();
  }
}
