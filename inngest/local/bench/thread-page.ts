// `thread_page_ms`: the server time to read what the thread page renders (the page's own
// `loadThreadPageData`) for a thread that holds 10,000 runs, each with its card, one post and
// its summary (30,000 messages), seeded in bulk SQL. Prints nothing; returns medians.
// Needs the react-server condition (the app's queries import "server-only"):
//   npx tsx --conditions=react-server inngest/local/bench/thread-page.ts [pglite|postgres]
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";

export type ThreadPageOptions = {
  driver?: "postgres" | "pglite";
  runs?: number;
  /** Measured reads after two warm-up reads. */
  repeat?: number;
  adminUrl?: string;
};

export type ThreadPageResult = {
  suite: "thread";
  driver: "postgres" | "pglite";
  metric: "thread_page_ms";
  value: number;
  unit: "ms";
  /** What the page's data weighs as JSON, and how many messages it holds. */
  pageBytes: number;
  pageMessages: number;
  /** The same thread read whole, as the page did before paging (for comparison). */
  wholeThreadMs: number;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function scratchDatabase(driver: "postgres" | "pglite", adminUrl: string) {
  if (driver === "pglite") {
    const db = await openDatabase({ pgliteDir: "memory://" });
    return { db, drop: () => db.close() };
  }
  const name = `flowchat_bench_thread_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), max: 5 });
  return {
    db,
    async drop() {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** One person, one thread, one scheduled workflow that ran `runs` times into it. */
async function seed(handle: DbHandle, runs: number) {
  const { db } = handle;
  const userId = crypto.randomUUID();
  await db.execute(
    sql`insert into users (id, email, name) values (${userId}, 'bench-thread@example.com', 'Bench')`,
  );
  const threadId = crypto.randomUUID();
  await db.execute(
    sql`insert into threads (id, user_id, title) values (${threadId}, ${userId}, 'Incidents')`,
  );
  const plan = {
    version: 1,
    title: "Weekday incident digest",
    trigger: { type: "schedule", cron: "*/10 * * * *", timezone: "Europe/Berlin" },
    steps: [{ id: "post", action: "chat.post", input: { text: "Open incidents: none" } }],
  };
  const workflowId = crypto.randomUUID();
  const versionId = crypto.randomUUID();
  await db.execute(sql`insert into workflows (id, user_id, thread_id, title, status, notify)
    values (${workflowId}, ${userId}, ${threadId}, ${plan.title}, 'active', 'always')`);
  await db.execute(sql`insert into workflow_versions (id, workflow_id, number, plan, author, state)
    values (${versionId}, ${workflowId}, 1, ${JSON.stringify(plan)}::jsonb, 'model', 'approved')`);
  await db.execute(
    sql`update workflows set active_version_id = ${versionId} where id = ${workflowId}`,
  );
  const base = new Date(Date.now() - runs * 600_000 - 3_600_000).toISOString();
  await db.execute(sql`
    insert into runs (id, workflow_id, version_id, user_id, thread_id, trigger, status, started_at, finished_at, created_at)
    select gen_random_uuid(), ${workflowId}::uuid, ${versionId}::uuid, ${userId}::uuid, ${threadId}::uuid,
      jsonb_build_object('type', 'schedule', 'scheduledAt', ts),
      case when n % 20 = 0 then 'failed' else 'succeeded' end,
      ts, ts + interval '2900 milliseconds', ts
    from (select n, ${base}::timestamptz + n * interval '10 minutes' as ts
          from generate_series(1, ${runs}) as n) s`);
  const meta = sql`jsonb_build_object('postedBy', 'workflow', 'runId', r.id, 'workflowId', r.workflow_id,
    'workflowTitle', ${plan.title}::text, 'runAt', r.created_at, 'createdAt', r.created_at)`;
  await db.execute(sql`
    insert into messages (id, thread_id, role, parts, metadata, created_at)
    select 'run_' || r.id || '_card', r.thread_id, 'assistant',
      jsonb_build_array(jsonb_build_object('type', 'data-run', 'id', r.id, 'data', jsonb_build_object(
        'runId', r.id, 'workflowId', r.workflow_id, 'title', ${plan.title}::text,
        'outcome', jsonb_build_object('status', r.status, 'finishedAt', r.finished_at, 'durationMs', 2900)))),
      ${meta}, r.created_at
    from runs r where r.thread_id = ${threadId}::uuid
    union all
    select 'run_' || r.id || '_post', r.thread_id, 'assistant',
      jsonb_build_array(jsonb_build_object('type', 'text', 'text',
        'Open incidents at ' || r.created_at || E':\n\n- INC-' || (random() * 9999)::int || ' Checkout latency above 2 s (sev2)\n- INC-' || (random() * 9999)::int || ' Search results stale (sev3)')),
      ${meta} || jsonb_build_object('workflowRun', jsonb_build_object('runId', r.id, 'workflowId', r.workflow_id, 'stepId', 'post')),
      r.created_at + interval '100 microseconds'
    from runs r where r.thread_id = ${threadId}::uuid
    union all
    select 'run_' || r.id || '_summary', r.thread_id, 'assistant',
      jsonb_build_array(jsonb_build_object('type', 'text', 'text',
        '**Weekday incident digest**: the run ' || r.status || ' in 2.9 s (1 step ran).')),
      ${meta}, r.created_at + interval '12200 microseconds'
    from runs r where r.thread_id = ${threadId}::uuid`);
  await db.execute(sql`analyze`);
  return { userId, threadId };
}

export async function measureThreadPage(opts: ThreadPageOptions = {}): Promise<ThreadPageResult> {
  const driver = opts.driver ?? "postgres";
  const runs = opts.runs ?? 10_000;
  const repeat = opts.repeat ?? 15;
  const adminUrl =
    opts.adminUrl ?? process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = await scratchDatabase(driver, adminUrl);
  const global = globalThis as unknown as { flowchatDb?: Promise<DbHandle> };
  const previous = global.flowchatDb;
  try {
    await migrate(scratch.db);
    global.flowchatDb = Promise.resolve(scratch.db);
    const { userId, threadId } = await seed(scratch.db, runs);
    const { loadThreadPageData } = await import("@/lib/threads/thread-page");
    const { getMessages } = await import("@/lib/db/queries");
    const times: number[] = [];
    let data: Awaited<ReturnType<typeof loadThreadPageData>>;
    for (let i = 0; i < repeat + 2; i++) {
      const started = performance.now();
      data = await loadThreadPageData({ userId, threadId });
      if (i >= 2) times.push(performance.now() - started);
    }
    const wholeStarted = performance.now();
    await getMessages({ threadId });
    const wholeThreadMs = performance.now() - wholeStarted;
    return {
      suite: "thread",
      driver,
      metric: "thread_page_ms",
      value: Number(median(times).toFixed(2)),
      unit: "ms",
      pageBytes: Buffer.byteLength(JSON.stringify(data)),
      pageMessages: data?.messages.length ?? 0,
      wholeThreadMs: Number(wholeThreadMs.toFixed(1)),
    };
  } finally {
    global.flowchatDb = previous;
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const drivers = (process.argv[2] ?? "postgres,pglite").split(",") as ("postgres" | "pglite")[];
  for (const driver of drivers) console.log(JSON.stringify(await measureThreadPage({ driver })));
}
