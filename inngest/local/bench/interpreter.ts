// The `interpreter` bench suite: the plan interpreter (inngest/functions/execute-workflow.ts)
// with its run records, on the embedded executor, through the real SDK handler. Reports
// medians; asserts nothing, except that no run is lost or duplicated (said loudly).
//   plan_ms_per_step_n100   a 100-step chain of `transform` steps: run record start → finish / 100
//   plain_sdk_ms_per_step_n100  a plain SDK function of 100 no-op steps on the same engine, run
//                               just before each chain round (event sent → run ended) / 100
//   plan_to_executor_ratio_n100 the median of the rounds' plan ÷ plain ratios (issue 17's ≤ 2×)
//   dag_critical_path_ratio one 1 s step beside a chain of five 100 ms steps: run duration / 1 s
//   runs_1000_per_s         1,000 concurrent runs of a 10-step plan: runs per second
//   runs_1000_p95_ms        ... and the 95th percentile of a run's latency (created → finished)
// The actions are the app's own plus `bench.sleep` (waits `ms`, for the critical-path plan).
// BENCH_INTERPRETER_RUNS overrides the 1,000 (a quick look on a busy machine).
import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { z } from "zod";
import { createFunctions } from "@/inngest/functions";
import { type ActionDeclaration, defineAction } from "@/lib/actions/define-action";
import { actionDeclarations, createRegistry } from "@/lib/actions/registry";
import type { DbHandle } from "@/lib/db/client";
import { createEngine } from "../engine";
import { silentLogger } from "../interfaces";
import { type BenchDriver, clientFetch, median, openDriver, type SuiteOptions } from "./suite";

const CHAIN = 100;
const SMALL = 10;
const PLAIN_CHAIN_EVENT = "bench/plain-chain";

const benchSleep: ActionDeclaration = {
  ...defineAction({
    id: "bench.sleep",
    title: "Sleep",
    description: "waits `ms` milliseconds (bench only)",
    kind: "task",
    sideEffects: false,
    input: z.object({ ms: z.number() }),
    output: z.unknown(),
    example: { ms: 1 },
  }),
  run: (async (input: { ms: number }) => {
    await new Promise((r) => setTimeout(r, input.ms));
    return { slept: input.ms };
  }) as ActionDeclaration["run"],
};

const plan = (steps: unknown[]) => ({
  version: 1,
  title: "Bench",
  trigger: { type: "manual" },
  steps,
});

const chain = (n: number) =>
  plan(
    Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      action: "transform",
      ...(i > 0
        ? { after: [`s${i - 1}`], input: { value: `{{ steps.s${i - 1}.output + 1 }}` } }
        : {}),
      ...(i === 0 ? { input: { value: 0 } } : {}),
    })),
  );

const criticalPathPlan = plan([
  { id: "slow", action: "bench.sleep", input: { ms: 1000 } },
  ...Array.from({ length: 5 }, (_, i) => ({
    id: `c${i}`,
    action: "bench.sleep",
    ...(i > 0 ? { after: [`c${i - 1}`] } : {}),
    input: { ms: 100 },
  })),
]);

async function openApp(db: DbHandle) {
  const globalForDb = globalThis as unknown as { flowchatDb?: Promise<DbHandle> };
  globalForDb.flowchatDb = Promise.resolve(db);
  const keys = {
    signingKey: `signkey-prod-${randomBytes(32).toString("hex")}`,
    eventKey: randomBytes(32).toString("hex"),
  };
  const engine = createEngine({ db, port: 0, logger: silentLogger, concurrency: 32, ...keys });
  await engine.start();
  const client = new Inngest({
    id: "flowchat",
    isDev: false,
    baseUrl: engine.url,
    fetch: clientFetch(engine),
    ...keys,
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  });
  // The executor's own figure in the same process, engine and minute: a plain SDK function of
  // CHAIN no-op steps, run alternately with the plan's chain (see `bench`).
  const plainChain = client.createFunction(
    { id: "bench-plain-chain", triggers: [{ event: PLAIN_CHAIN_EVENT }] },
    async ({ step }) => {
      for (let i = 0; i < CHAIN; i++) await step.run(`s${i}`, () => i);
      return "ok";
    },
  );
  const functions = createFunctions({
    client,
    registry: createRegistry([...actionDeclarations, benchSleep]),
    // The app's own unit contexts (the person's secrets, read once per call; the services).
    appUrl: "http://bench.local",
    resumeSecret: randomBytes(32).toString("base64url"),
    concurrencyPerUser: 1000,
  });
  const handlers = serve({ client, functions: [...functions, plainChain] }) as unknown as Record<
    string,
    (request: Request, context: unknown) => Promise<Response>
  >;
  await engine.sync({
    url: "http://bench.local/api/inngest",
    fetch: (request) => handlers[request.method](request, {}),
  });
  const { createUser } = await import("@/lib/db/queries");
  const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
  const { startRun } = await import("@/lib/runs/start-run");
  const user = await createUser({
    email: `bench-${Date.now()}@example.com`,
    name: "Bench",
    passwordHash: "!",
  });
  const workflow = async (p: unknown) => {
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: "Bench",
      plan: p,
      author: "person",
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    return workflow.id;
  };
  const start = async (workflowId: string) =>
    (await startRun({ userId: user.id, workflowId, client })).id;
  // One plain statement per look (the query builder would cost this process more than the
  // look itself: the run's own work is what is measured, in the same process).
  const finished = async (runId: string) => {
    for (;;) {
      const [run] = await engine.sql.query<{
        id: string;
        status: string;
        started_at: Date | null;
        finished_at: Date | null;
      }>(
        `select id, status, started_at, finished_at from runs
         where id = $1 and status in ('succeeded', 'failed', 'cancelled')`,
        [runId],
      );
      if (run) {
        const date = (value: Date | null) => (value === null ? null : new Date(value));
        return {
          id: run.id,
          status: run.status,
          startedAt: date(run.started_at),
          finishedAt: date(run.finished_at),
        };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** ms per step of the plain SDK chain: event sent → its run ended, over CHAIN steps. */
  const plainMsPerStep = async () => {
    const started = performance.now();
    const [eventId] = await engine.send({ name: PLAIN_CHAIN_EVENT });
    for (;;) {
      const [run] = await engine.sql.query<{ status: string }>(
        "select status from engine.runs where event_id = $1 and status in ('completed', 'failed', 'cancelled')",
        [eventId],
      );
      if (run) {
        if (run.status !== "completed") throw new Error(`the plain chain ${run.status}`);
        return (performance.now() - started) / CHAIN;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { engine, workflow, start, finished, plainMsPerStep, close: () => engine.stop() };
}

const seconds = (run: { startedAt: Date | null; finishedAt: Date | null }) =>
  ((run.finishedAt?.getTime() ?? 0) - (run.startedAt?.getTime() ?? 0)) / 1000;

async function bench(driver: BenchDriver, options: SuiteOptions) {
  const { db, drop } = await openDriver(driver, { max: 10 });
  const app = await openApp(db);
  const label = driver.padEnd(10);
  try {
    // Warm-up: JIT, prepared statements, the SDK's first-call paths. One unmeasured chain of
    // the measured length, so the rounds are the steady state (the executor suite's 100-step
    // figure comes after ~200 steps of shorter runs too): the first few hundred steps of a
    // fresh process cost up to twice the rest while the JIT compiles the hot path.
    await app.finished(await app.start(await app.workflow(chain(SMALL))));
    const chainWorkflow = await app.workflow(chain(CHAIN));
    await app.finished(await app.start(chainWorkflow));
    await app.plainMsPerStep();
    const perStep: number[] = [];
    const cpuPerStep: number[] = [];
    const plainPerStep: number[] = [];
    const planToPlain: number[] = [];
    for (let i = 0; i < options.repeat; i++) {
      // Each round also runs a plain SDK chain of the same length on the same engine right
      // before: their ratio compares like with like even when the machine's speed drifts
      // between the executor suite and this one.
      const plain = await app.plainMsPerStep();
      const cpu = process.cpuUsage();
      const run = await app.finished(await app.start(chainWorkflow));
      const used = process.cpuUsage(cpu);
      if (run.status !== "succeeded") throw new Error(`the chain run ${run.id} ${run.status}`);
      const ms = (seconds(run) * 1000) / CHAIN;
      perStep.push(ms);
      cpuPerStep.push((used.user + used.system) / 1000 / CHAIN);
      plainPerStep.push(plain);
      planToPlain.push(ms / plain);
    }
    options.report({
      driver,
      metric: "plan_ms_per_step_n100",
      value: median(perStep),
      unit: "ms",
    });
    options.report({
      driver,
      metric: "plain_sdk_ms_per_step_n100",
      value: median(plainPerStep),
      unit: "ms",
    });
    options.report({
      driver,
      metric: "plan_to_executor_ratio_n100",
      value: median(planToPlain),
      unit: "ratio",
    });
    options.log(
      `${label} ${CHAIN}-step transform chain: ${median(perStep).toFixed(2)} ms per plan step, ` +
        `process CPU ${median(cpuPerStep).toFixed(2)} ms per step ` +
        `[rounds: ${perStep.map((x) => x.toFixed(2)).join(", ")}]; a plain SDK chain of ${CHAIN} steps ` +
        `just before each: ${median(plainPerStep).toFixed(2)} ms per step, ratio ${median(planToPlain).toFixed(2)} ` +
        `[rounds: ${planToPlain.map((x) => x.toFixed(2)).join(", ")}]`,
    );

    const dagWorkflow = await app.workflow(criticalPathPlan);
    const ratios: number[] = [];
    for (let i = 0; i < options.repeat; i++) {
      const run = await app.finished(await app.start(dagWorkflow));
      if (run.status !== "succeeded") throw new Error(`the DAG run ${run.id} ${run.status}`);
      ratios.push(seconds(run) / 1);
    }
    options.report({
      driver,
      metric: "dag_critical_path_ratio",
      value: median(ratios),
      unit: "ratio",
    });
    options.log(
      `${label} 1 s step beside five 100 ms steps: ${median(ratios).toFixed(3)} × the critical path ` +
        `[rounds: ${ratios.map((x) => x.toFixed(3)).join(", ")}]`,
    );

    await manyRuns(driver, app, options, label);
  } finally {
    await app.close();
    await drop();
  }
}

async function manyRuns(
  driver: BenchDriver,
  app: Awaited<ReturnType<typeof openApp>>,
  options: SuiteOptions,
  label: string,
) {
  const RUNS = Number(process.env.BENCH_INTERPRETER_RUNS ?? 1000);
  const workflowId = await app.workflow(chain(SMALL));
  const started = performance.now();
  const runIds: string[] = [];
  for (let i = 0; i < RUNS; i += 50) {
    const batch = Math.min(50, RUNS - i);
    runIds.push(...(await Promise.all(Array.from({ length: batch }, () => app.start(workflowId)))));
  }
  // One query for all of them (a poll per run would load the database more than the runs).
  for (;;) {
    const [{ n }] = await app.engine.sql.query<{ n: string }>(
      `select count(*) as n from runs
       where workflow_id = $1::uuid and status in ('succeeded', 'failed', 'cancelled')`,
      [workflowId],
    );
    if (Number(n) >= runIds.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const elapsed = (performance.now() - started) / 1000;
  const ended = await app.engine.sql.query<{ created_at: Date; finished_at: Date }>(
    "select created_at, finished_at from runs where workflow_id = $1::uuid",
    [workflowId],
  );
  const latencies = ended
    .map((run) => new Date(run.finished_at).getTime() - new Date(run.created_at).getTime())
    .sort((a, b) => a - b);
  const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))];

  // None lost, none duplicated: every run record succeeded, one engine run each, and each
  // of its units has exactly one succeeded attempt.
  const [counts] = await app.engine.sql.query<Record<string, string | number>>(
    `select
       (select count(*) from runs where workflow_id = $1::uuid) as runs,
       (select count(*) from runs where workflow_id = $1::uuid and status = 'succeeded') as succeeded,
       (select count(*) from run_steps s join runs r on r.id = s.run_id
          where r.workflow_id = $1::uuid and s.status = 'succeeded') as steps,
       (select count(*) from run_steps s join runs r on r.id = s.run_id
          where r.workflow_id = $1::uuid and s.attempt > 1) as retried,
       (select count(*) from engine.runs e
          where e.function_id like '%execute-workflow' and e.event->'data'->>'workflowId' = $1::uuid::text) as engine_runs_total`,
    [workflowId],
  );
  const n = (key: string) => Number(counts[key]);
  const problems = [
    n("runs") !== RUNS && `${n("runs")} run records for ${RUNS} runs started`,
    n("succeeded") !== RUNS && `${RUNS - n("succeeded")} runs did not succeed (lost)`,
    n("steps") !== RUNS * SMALL && `${n("steps")} succeeded steps, expected ${RUNS * SMALL}`,
    n("retried") > 0 && `${n("retried")} step attempts after the first`,
    n("engine_runs_total") !== RUNS &&
      `${n("engine_runs_total")} engine runs for ${RUNS} run records (duplicated or lost)`,
  ].filter(Boolean);
  if (problems.length > 0) {
    const message = `FAILURE: ${RUNS} concurrent runs on ${driver}: ${problems.join("; ")}`;
    options.log(`!!! ${message}`);
    console.error(`!!! ${message}`);
    process.exitCode = 1;
  }
  options.report({ driver, metric: "runs_1000_per_s", value: RUNS / elapsed, unit: "runs/s" });
  options.report({ driver, metric: "runs_1000_p95_ms", value: p95, unit: "ms" });
  options.log(
    `${label} ${RUNS} concurrent runs × ${SMALL} steps: ${(RUNS / elapsed).toFixed(1)} runs/s, ` +
      `p95 latency ${p95.toFixed(0)} ms; ${n("succeeded")} succeeded, ${n("engine_runs_total")} engine runs, ` +
      `${n("steps")} step records${problems.length > 0 ? " — NOT ALL ACCOUNTED FOR" : " (none lost, none duplicated)"}`,
  );
}

/** The interpreter suite on each driver asked for. */
export async function runInterpreterSuite(options: SuiteOptions): Promise<void> {
  for (const driver of options.drivers) await bench(driver, options);
}
