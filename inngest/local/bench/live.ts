// Bench suite `live`: how fast an open thread hears what runs store. 10 concurrent runs in one
// thread whose steps finish at known times (every 100 ms, runs staggered by 7 ms; each run
// also posts a message at its 6th step), written through the app's own record queries (which
// NOTIFY as the interpreter's do), and 20 viewers reading the thread's live route
// (threadEventStream behind an in-process HTTP server, read with fetch as SSE). Reports, as
// the median over BENCH_REPEAT rounds:
//   sse_step_to_client_p95_ms / _p50_ms  stored (the entry's `at`) → frame received
//   sse_post_to_client_p95_ms            a post stored (its createdAt) → its message frame
//   sse_reads_per_change                 database reads of the live path per change written
//                                        (1 = one read shared by all 20 viewers)
import http from "node:http";
import { registerHooks } from "node:module";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

// The app's server modules start with `import "server-only"`, which throws outside React
// Server Components; here it is a no-op, as under test.
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === "server-only") return { url: "data:text/javascript,", shortCircuit: true };
    return next(specifier, context);
  },
});

export type BenchRow = {
  suite: string;
  driver: "postgres" | "pglite";
  metric: string;
  value: number;
  unit: "ms" | "steps/s" | "ratio";
};

const RUNS = 10;
const STEPS = 10;
const VIEWERS = Number(process.env.BENCH_LIVE_VIEWERS ?? 20);
const STEP_EVERY_MS = 100;
const RUN_STAGGER_MS = 7;
const POST_AT_STEP = 5;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const median = (xs: number[]) => percentile(xs, 50);
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

async function openDriver(driver: "postgres" | "pglite") {
  if (driver === "pglite") {
    const db = await openDatabase({ pgliteDir: "memory://" });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `flowchat_bench_live_${Date.now()}`;
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

type Viewer = {
  stepMs: number[];
  postMs: number[];
  events: number;
  ready: Promise<void>;
  close(): void;
};

/** One viewer: reads the SSE body, timing each step entry and each post against its storage. */
function view(url: string): Viewer {
  const controller = new AbortController();
  let markReady: () => void = () => {};
  const viewer: Viewer = {
    stepMs: [],
    postMs: [],
    events: 0,
    ready: new Promise((resolve) => {
      markReady = resolve;
    }),
    close: () => controller.abort(),
  };
  void (async () => {
    const response = await fetch(url, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      const now = Date.now();
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf("\n\n");
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "ready") markReady();
        if (!data) continue;
        if (event === "run-event") {
          const frame = JSON.parse(data) as { at: string; stepId: string | null };
          viewer.events += 1;
          if (frame.stepId) viewer.stepMs.push(now - Date.parse(frame.at));
        } else if (event === "message") {
          const { message } = JSON.parse(data) as {
            message: { id: string; metadata?: { createdAt?: string } };
          };
          const at = message.metadata?.createdAt;
          if (message.id.startsWith("post_") && at) viewer.postMs.push(now - Date.parse(at));
        }
      }
    }
  })().catch(() => {});
  return viewer;
}

async function round(driver: "postgres" | "pglite", db: DbHandle) {
  (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb = Promise.resolve(db);
  const queries = await import("@/lib/db/queries");
  const workflowQueries = await import("@/lib/db/workflow-queries");
  const runQueries = await import("@/lib/db/run-queries");
  const { postWorkflowMessage } = await import("@/lib/db/message-queries");
  const { threadEventStream } = await import("@/lib/runs/thread-live");
  const { sharedReadCount } = await import("@/lib/runs/live-bus");

  const user = await queries.createUser({
    email: `live-${driver}-${Date.now()}-${Math.random()}@bench.test`,
    name: "Bench",
    passwordHash: "x",
  });
  const threadId = crypto.randomUUID();
  await queries.getOrCreateThread({ id: threadId, userId: user.id, title: "Live bench" });
  const plan = {
    version: 1,
    title: "Live bench",
    trigger: { type: "manual" },
    steps: Array.from({ length: STEPS }, (_, k) => ({
      id: `s${k}`,
      action: "transform",
      input: { value: k },
    })),
  };
  const { workflow, version } = await workflowQueries.createWorkflow({
    userId: user.id,
    threadId,
    title: "Live bench",
    plan,
    author: "person",
  });
  await workflowQueries.approveWorkflowVersion({
    userId: user.id,
    workflowId: workflow.id,
    versionId: version.id,
  });

  // The live route's stream behind a real HTTP server, as the page's EventSource reads it.
  const server = http.createServer((request, response) => {
    const abort = new AbortController();
    const stream = threadEventStream({ threadId, userId: user.id, signal: abort.signal });
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const reader = stream.getReader();
    request.on("close", () => {
      abort.abort();
      void reader.cancel().catch(() => {});
    });
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return response.end();
        response.write(value);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const viewers = Array.from({ length: VIEWERS }, () => view(url));
  await Promise.all(viewers.map((v) => v.ready));

  const readsBefore = sharedReadCount();
  const t0 = Date.now() + 100;
  let written = 0;
  await Promise.all(
    Array.from({ length: RUNS }, async (_, r) => {
      const run = await runQueries.createRun({
        workflowId: workflow.id,
        versionId: version.id,
        userId: user.id,
        threadId,
        trigger: { type: "manual" },
      });
      written += 1;
      for (let k = 0; k < STEPS; k++) {
        await sleepUntil(t0 + k * STEP_EVERY_MS + r * RUN_STAGGER_MS);
        const finishedAt = new Date();
        await runQueries.upsertStepAttempt({
          runId: run.id,
          stepId: `s${k}`,
          iteration: -1,
          attempt: 1,
          status: "succeeded",
          output: k,
          startedAt: new Date(finishedAt.getTime() - 5),
          finishedAt,
        });
        await runQueries.appendRunEvent({
          runId: run.id,
          key: `s${k}:a1:succeeded`,
          message: `s${k} succeeded`,
          stepId: `s${k}`,
        });
        written += 1;
        if (k === POST_AT_STEP) {
          await postWorkflowMessage({
            userId: user.id,
            threadId,
            messageId: `post_${run.id}`,
            text: `Run ${r} says hello`,
            metadata: { workflowRun: { runId: run.id, workflowId: workflow.id } },
          });
          written += 1;
        }
      }
    }),
  );
  // Every viewer has every entry (queued + steps) and every post, or 5 s passed.
  const deadline = Date.now() + 5_000;
  while (
    Date.now() < deadline &&
    viewers.some((v) => v.events < RUNS * (STEPS + 1) || v.postMs.length < RUNS)
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const reads = sharedReadCount() - readsBefore;
  for (const v of viewers) v.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const stepMs = viewers.flatMap((v) => v.stepMs);
  const postMs = viewers.flatMap((v) => v.postMs);
  const missing = viewers.reduce((n, v) => n + RUNS * (STEPS + 1) - v.events, 0);
  return {
    stepP95: percentile(stepMs, 95),
    stepP50: percentile(stepMs, 50),
    postP95: percentile(postMs, 95),
    readsPerChange: reads / written,
    missing,
  };
}

/** The `live` suite on each driver: one row per metric (medians over the rounds). */
export async function runLiveSuite(opts: {
  drivers: string[];
  json: boolean;
}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of opts.drivers) {
    const driver = name.trim() as "postgres" | "pglite";
    if (driver !== "postgres" && driver !== "pglite") continue;
    const { db, drop } = await openDriver(driver);
    const results = [];
    try {
      // Warm-up: imports, JIT, the LISTEN connection.
      await round(driver, db);
      for (let i = 0; i < REPEAT; i++) results.push(await round(driver, db));
    } finally {
      await drop();
    }
    const add = (metric: string, value: number, unit: BenchRow["unit"]) =>
      rows.push({ suite: "live", driver, metric, value: Number(value.toFixed(2)), unit });
    add("sse_step_to_client_p95_ms", median(results.map((r) => r.stepP95)), "ms");
    add("sse_step_to_client_p50_ms", median(results.map((r) => r.stepP50)), "ms");
    add("sse_post_to_client_p95_ms", median(results.map((r) => r.postP95)), "ms");
    add("sse_reads_per_change", median(results.map((r) => r.readsPerChange)), "ratio");
    if (!opts.json) {
      const missing = results.reduce((n, r) => n + r.missing, 0);
      console.log(
        `live ${driver.padEnd(8)} ${RUNS} runs × ${STEPS} steps, ${VIEWERS} viewers: stored → received ` +
          `p95 ${rows.at(-4)?.value} ms (p50 ${rows.at(-3)?.value} ms), posts p95 ${rows.at(-2)?.value} ms, ` +
          `${rows.at(-1)?.value} reads per change [p95 per round: ${results.map((r) => r.stepP95).join(", ")}]` +
          (missing > 0 ? ` — ${missing} frames missing` : "") +
          ` (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
      );
    }
  }
  return rows;
}
