// The `history` bench suite: one person with 10 workflows of BENCH_HISTORY_RUNS (default
// 100,000) runs × 5 steps each, seeded in bulk SQL (generate_series, not the app path) over
// the last 30 days, then counted into the rollups by the app's backfill. Reports the server
// time (in process, medians) of the queries the workflow page, the Workflows list and the
// chat tool make:
//   history_latest50_ms   listRunHistory, newest 50 runs of one workflow
//   history_deep_page_ms  the same, 50 runs after a cursor 20,000 runs deep, failed only
//   metrics_30d_ms        getWorkflowMetrics, 30 days, with failure points
//   dashboard_30d_ms      getDashboard over the 10 workflows, 30 days
//   thread_page_ms        a thread holding 10,000 runs (thread-page.ts, measureThreadPage)
// PGlite runs the suite only with BENCH_HISTORY_PGLITE=1 (in memory: ~4 min to seed 5 M steps
// and ~2 min of backfill on a busy 2-core machine).
// BENCH_KEEP=1 keeps the seeded PostgreSQL database; BENCH_HISTORY_URL=<its URL> measures it
// again without seeding (the backfill counts whatever the rollups miss).
import { sql } from "drizzle-orm";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/history-sql";
import { migrate } from "@/lib/db/migrate";
import { type BenchDriver, median, openDriver, type SuiteOptions } from "./suite";
import { measureThreadPage } from "./thread-page";

const WORKFLOWS = 10;
const STEPS = 5;
const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 100_000);
const SAMPLES = 21;
const SPAN_SECONDS = 30 * 24 * 3600;

const plan = (n: number) => ({
  version: 1,
  title: `Bench workflow ${n}`,
  trigger: { type: "manual" },
  steps: Array.from({ length: STEPS }, (_, k) => ({
    id: `s${k + 1}`,
    title: `Step ${k + 1}`,
    action: "transform",
    input: { value: k },
    ...(k > 0 ? { after: [`s${k}`] } : {}),
  })),
});

async function exec(db: DbHandle, text: string) {
  return db.db.execute(sql.raw(text));
}

async function seed(db: DbHandle, log: (line: string) => void) {
  const started = performance.now();
  const rows = await db.db.execute(
    sql`insert into users (email, password_hash, timezone) values ('bench@example.com', 'x', 'Europe/Paris') returning id`,
  );
  const userId = (
    (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as {
      id: string;
    }
  ).id;
  const workflowIds: string[] = [];
  for (let n = 1; n <= WORKFLOWS; n++) {
    const [workflow] = rowsOf<{ id: string }>(
      await db.db.execute(sql`
        insert into workflows (user_id, title, status)
        values (${userId}, ${`Bench workflow ${n}`}, 'active') returning id`),
    );
    const [version] = rowsOf<{ id: string }>(
      await db.db.execute(sql`
        insert into workflow_versions (workflow_id, number, plan, author, state, approved_by, approved_at)
        values (${workflow.id}, 1, ${JSON.stringify(plan(n))}::jsonb, 'model', 'approved', ${userId}, now())
        returning id`),
    );
    await db.db.execute(
      sql`update workflows set active_version_id = ${version.id} where id = ${workflow.id}`,
    );
    workflowIds.push(workflow.id);
  }
  const step = SPAN_SECONDS / RUNS;
  for (const [index, workflowId] of workflowIds.entries()) {
    // ~8 % failed (at a step chosen by g), 2 % cancelled, the rest succeeded; triggers mixed.
    await exec(
      db,
      `insert into runs (workflow_id, version_id, user_id, trigger, status, error, created_at,
        started_at, finished_at)
      select w.id, w.active_version_id, w.user_id,
        case g % 4 when 0 then '{"type":"schedule"}'::jsonb when 1 then '{"type":"webhook"}'::jsonb
          when 2 then '{"type":"manual","via":"chat"}'::jsonb else '{"type":"manual"}'::jsonb end,
        case when g % 50 = 7 then 'cancelled' when g % 12 = 5 then 'failed' else 'succeeded' end,
        case when g % 50 <> 7 and g % 12 = 5 then jsonb_build_object('step', 's' || (1 + (g / 12) % ${STEPS}),
          'message', 'HTTP 503 from upstream #' || g) end,
        t, t, t + ((200 + (g * 7919) % 5000) * interval '1 millisecond')
      from workflows w, generate_series(1, ${RUNS}) g,
        lateral (select now() - ((g + ${index / WORKFLOWS}) * ${step}) * interval '1 second' as t) x
      where w.id = '${workflowId}'`,
    );
    log(
      `  seeded runs of workflow ${index + 1}/${WORKFLOWS} (${Math.round(performance.now() - started)} ms)`,
    );
  }
  // Five step rows per run: a failed run's failing step failed, the steps after it skipped;
  // every 20th first step needed a second attempt.
  await exec(
    db,
    `insert into run_steps (run_id, step_id, iteration, attempt, status, error, started_at,
      finished_at, duration_ms)
    select r.id, 's' || k, -1,
      case when k = 1 and abs(hashtext(r.id::text)) % 20 = 0 then 2 else 1 end,
      case
        when r.error is null then 'succeeded'
        when ('s' || k) = r.error->>'step' then 'failed'
        when ('s' || k) > r.error->>'step' then 'skipped'
        else 'succeeded' end,
      case when ('s' || k) = r.error->>'step' then jsonb_build_object('message', r.error->>'message') end,
      r.created_at + (k - 1) * interval '40 millisecond',
      r.created_at + (k - 1) * interval '40 millisecond' + ((20 + abs(hashtext(r.id::text || k)) % 400) * interval '1 millisecond'),
      (20 + abs(hashtext(r.id::text || k)) % 400)::int
    from runs r, generate_series(1, ${STEPS}) k`,
  );
  log(`  seeded steps (${Math.round(performance.now() - started)} ms)`);
  await exec(db, "analyze");
  return { userId, workflowIds, seedMs: performance.now() - started };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** BENCH_HISTORY_URL: a database this suite seeded before (kept with BENCH_KEEP=1). */
async function reuseSeeded(url: string) {
  const db = await openDatabase({ databaseUrl: url, max: 10 });
  await migrate(db);
  const [user] = rowsOf<{ id: string }>(
    await db.db.execute(sql`select id from users where email = 'bench@example.com'`),
  );
  if (!user) throw new Error(`${url} holds no seeded bench user`);
  const workflows = rowsOf<{ id: string }>(
    await db.db.execute(
      sql`select id from workflows where user_id = ${user.id} order by title, id`,
    ),
  );
  return { db, userId: user.id, workflowIds: workflows.map((w) => w.id) };
}

async function historyOn(driver: BenchDriver, options: SuiteOptions) {
  const reuse = driver === "postgres" ? process.env.BENCH_HISTORY_URL : undefined;
  const reused = reuse ? await reuseSeeded(reuse) : undefined;
  const { db, drop } = reused
    ? { db: reused.db, drop: () => reused.db.close() }
    : await openDriver(driver);
  try {
    (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb = Promise.resolve(db);
    const h = await import("@/lib/db/history-queries");
    const rollups = await import("@/lib/db/rollup-queries");
    options.log(
      reused
        ? `history on ${driver}: reusing ${reuse}`
        : `history on ${driver}: seeding ${WORKFLOWS} × ${RUNS} runs × ${STEPS} steps`,
    );
    const { userId, workflowIds } = reused ?? (await seed(db, options.log));
    const backfillStarted = performance.now();
    const counted = await rollups.rollUpAllPendingRuns({ batch: 20_000 });
    // The backfill rewrote rollup rows many times: what autovacuum would do, done now.
    await exec(db, "vacuum analyze runs, run_rollups, step_rollups");
    options.log(
      `  backfill counted ${counted} runs into the rollups in ${Math.round(performance.now() - backfillStarted)} ms`,
    );
    const workflowId = workflowIds[0];
    const timeZone = "Europe/Paris";

    const latest = await timed(() => h.listRunHistory({ userId, workflowId, limit: 50 }));
    options.report({ driver, metric: "history_latest50_ms", value: latest, unit: "ms" });

    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      cursor = (await h.listRunHistory({ userId, workflowId, cursor, limit: 200 })).nextCursor;
    }
    const deep = await timed(() =>
      h.listRunHistory({ userId, workflowId, cursor, limit: 50, filter: { status: ["failed"] } }),
    );
    options.report({ driver, metric: "history_deep_page_ms", value: deep, unit: "ms" });

    const metrics = await timed(() =>
      h.getWorkflowMetrics({ userId, workflowId, window: "30d", timeZone }),
    );
    options.report({ driver, metric: "metrics_30d_ms", value: metrics, unit: "ms" });
    const sample = await h.getWorkflowMetrics({ userId, workflowId, window: "30d", timeZone });
    options.log(
      `  30 d of workflow 1: ${sample?.runs} runs, success ${((sample?.successRate ?? 0) * 100).toFixed(1)} %, ` +
        `p50 ${sample?.p50Ms} ms, p95 ${sample?.p95Ms} ms, ${sample?.failurePoints.length} failure points, ` +
        `${sample?.retries} retries`,
    );

    const dashboard = await timed(() => h.getDashboard({ userId, window: "30d", timeZone }));
    options.report({ driver, metric: "dashboard_30d_ms", value: dashboard, unit: "ms" });

    const page = await measureThreadPage({ driver });
    options.report({ driver, metric: "thread_page_ms", value: page.value, unit: "ms" });
    options.log(
      `  thread page of a thread holding 10,000 runs: ${page.value} ms, ${page.pageMessages} messages, ` +
        `${(page.pageBytes / 1024).toFixed(0)} KB (the whole thread read at once: ${page.wholeThreadMs} ms)`,
    );
  } finally {
    (globalThis as unknown as { flowchatDb?: Promise<DbHandle> }).flowchatDb = undefined;
    await drop();
  }
}

export async function runHistorySuite(options: SuiteOptions): Promise<void> {
  for (const driver of options.drivers) {
    if (driver === "pglite" && !process.env.BENCH_HISTORY_PGLITE) {
      options.log(
        "history on pglite: skipped (set BENCH_HISTORY_PGLITE=1; seeding 5 M rows in memory is slow)",
      );
      continue;
    }
    await historyOn(driver, options);
  }
}
