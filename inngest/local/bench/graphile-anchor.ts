// The anchor the executor suite is judged against, measured in the same process and run: a
// peer Postgres job queue, graphile-worker (a devDependency, on a scratch database of its own).
//   graphile_ms_per_hop: a chain of 500 jobs, each adding the next when it runs → ms per hop
//   graphile_jobs_per_s: 5,000 no-op jobs at concurrency 10 → jobs per second
// PostgreSQL only (graphile-worker needs a real server). Its rounds run interleaved with the
// executor's own (executor.ts), each just before the executor round it anchors.
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

/** graphile-worker running on its scratch database: one round of each measurement at a time. */
export type GraphileAnchor = {
  /** A chain of HOPS jobs, each adding the next: ms per hop. */
  hopRound(): Promise<number>;
  /** JOBS no-op jobs added in one statement: jobs per second. */
  jobsRound(): Promise<number>;
  close(): Promise<void>;
};

/**
 * Starts graphile-worker (warmed up) so its rounds can be interleaved with the executor's:
 * each executor round then has an anchor measured in the same minute, on the same machine,
 * which the machine's swings (up to 2× within minutes here) would otherwise blur.
 */
export async function openGraphileAnchor(): Promise<GraphileAnchor> {
  const database = await scratchDatabase();
  let onHop: (n: number) => void = () => {};
  let onJob: () => void = () => {};
  let runner: Runner | undefined;
  // graphile-worker's pool, ours to end: its idle connections are closed before the scratch
  // database is dropped (a connection the drop terminates would be an unhandled error).
  const pool = new pg.Pool({ connectionString: database.url, max: CONCURRENCY + 2 });
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const close = async () => {
    await runner?.stop();
    await pool.end();
    await database.drop();
  };
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
  } catch (error) {
    await close();
    throw error;
  }
  const active = runner;
  // Warm-up: the first jobs pay for connections and prepared statements.
  await new Promise<void>((resolve) => {
    onJob = resolve;
    void active.addJob("noop", {});
  });
  const anchor: GraphileAnchor = {
    async hopRound() {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        onHop = (n) => {
          if (n === HOPS) resolve();
        };
        void active.addJob("hop", { n: 1 });
      });
      return (performance.now() - started) / HOPS;
    },
    async jobsRound() {
      let left = JOBS;
      const started = performance.now();
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
      return JOBS / ((performance.now() - started) / 1000);
    },
    close,
  };
  // And one unmeasured burst, as the executor's throughput gets.
  await anchor.jobsRound();
  return anchor;
}

/** Reports the anchor's figures: the medians of its rounds. */
export function reportGraphileAnchor(options: SuiteOptions, perHop: number[], perSecond: number[]) {
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
}
