// Bulk actions on runs, through the routes, the real bulk-runs job and the real engine: a dry
// run counts, a bulk re-run of thousands of seeded failed runs re-runs every one exactly once
// (queued once in the engine too) without more of them executing at once than the person's
// concurrency allows, a retried batch acts on nothing twice, and a bulk cancel stops every
// active run it matched, posting no summary per run into their thread. Both drivers; PGlite
// seeds fewer runs (one connection, slower).
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Run } from "@/lib/db/schema";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const bulkRoute = await import("@/app/api/runs/bulk/route");
const progressRoute = await import("@/app/api/runs/bulk/[id]/route");
const { runBulkBatch } = await import("@/lib/runs/bulk-job");
const { fullRerun, perRun, rerunBatchFromStart, rerunFromStart } = await import(
  "@/lib/runs/bulk-rerun"
);
const { createBulkActionRow, getBulkActionById, markBulkActionRunning } = await import(
  "@/lib/db/bulk-queries"
);
const { setRateLimits, resetRateLimits } = await import("@/lib/rate-limit");
const { getMessages, getOrCreateThread } = await import("@/lib/db/queries");
const { approveWorkflowVersion, createWorkflow } = await import("@/lib/db/workflow-queries");
const { startRunInThread } = await import("@/lib/runs/start-run");
const { cancelRun } = await import("@/lib/runs/control");
const { runCardMessageId, runSummaryMessageId } = await import("@/lib/runs/thread-messages");

/** Runs each driver seeds for the big re-run. */
// CI re-runs 1,000 on PostgreSQL (about 13 s); FLOWCHAT_SCALE=full re-runs the 5,000 the issue
// measured (about a minute on a 2-core machine). PGlite is one connection: 200 (300 in full).
const SEEDED =
  process.env.FLOWCHAT_SCALE === "full"
    ? ({ postgres: 5000, pglite: 300 } as const)
    : ({ postgres: 1000, pglite: 200 } as const);
/** The person's concurrency in these tests (execute-workflow's limit per user). */
const CONCURRENCY = 4;

const get = (id: string) =>
  progressRoute.GET(new Request(`http://app.test/api/runs/bulk/${id}`), ctx({ id }));

type Rows<T> = { rows: T[] } | T[];
const rowsOf = <T>(result: Rows<T>): T[] => (Array.isArray(result) ? result : result.rows);

describe.each(drivers)("bulk actions on %s", (driver) => {
  const h = harnessFor(driver, { port, concurrencyPerUser: CONCURRENCY });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });
  afterEach(() => {
    resetRateLimits();
  });

  const query = async <T>(statement: ReturnType<typeof sql>) =>
    rowsOf<T>((await h.database.db.execute(statement)) as unknown as Rows<T>);

  /**
   * `count` failed runs of a new one-step workflow, created "last night" a second apart, three
   * to a second (the keyset must tell apart runs created at the same instant).
   */
  async function seedFailedRuns(count: number, userId = h.userId) {
    const workflowId = await h.workflow(
      plan([{ id: "only", action: "transform", input: { value: "{{ trigger.inputs.n }}" } }], {
        trigger: { type: "manual", inputs: { n: { type: "number", default: 0 } } },
      }),
      userId,
    );
    await query(sql`
      insert into runs (workflow_id, version_id, user_id, trigger, status, error, created_at, finished_at)
      select w.id, w.active_version_id, w.user_id,
             jsonb_build_object('type', 'manual', 'inputs', jsonb_build_object('n', g)),
             'failed', '{"message":"boom","step":"only"}'::jsonb,
             now() - interval '10 hours' + (g / 3) * interval '1 second',
             now() - interval '10 hours' + (g / 3) * interval '1 second'
      from workflows w, generate_series(1, ${count}) g
      where w.id = ${workflowId}`);
    return workflowId;
  }

  /** The most execute-workflow steps of the person's key running at once, sampled. */
  function sampleConcurrency(userId: string) {
    let max = 0;
    let stopped = false;
    const sampling = (async () => {
      while (!stopped) {
        const [row] = await query<{ n: number }>(sql`
          select count(*)::int as n from engine.jobs
          where locked_at is not null and concurrency_key like ${`%execute-workflow:%${userId}%`}`);
        max = Math.max(max, Number(row.n));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // A failed test stops it when its database goes away; the test itself checks `max`.
    sampling.catch(() => {});
    return async () => {
      stopped = true;
      await sampling;
      return max;
    };
  }

  it.each([
    ["the batch re-run", () => rerunBatchFromStart],
    ["a per-run re-run (startRerun's shape)", () => perRun(rerunFromStart)],
    ["the full re-run (startRerun)", () => perRun(fullRerun)],
  ])(
    "acts on no run twice when a batch is retried, before or after it was recorded (%s)",
    async (_, pick) => {
      const workflowId = await seedFailedRuns(7);
      const action = await createBulkActionRow({
        userId: h.userId,
        kind: "rerun",
        filter: { workflowId, status: ["failed"] },
        options: { from: "start", version: "pinned" },
        total: 7,
      });
      await markBulkActionRunning({ id: action.id });
      const sent: unknown[] = [];
      const client = {
        send: async (events: unknown) => {
          sent.push(...(events as unknown[]));
          return { ids: [] };
        },
      } as never;
      const batch = () =>
        runBulkBatch({ bulkActionId: action.id, client, rerunBatch: pick(), batchSize: 5 });

      expect(await batch()).toMatchObject({ last: false, handled: 5, done: 5 });
      // The first batch's recording is lost (a crash before the step was memoized): it runs again.
      await query(sql`update bulk_actions set cursor = null, done = 0 where id = ${action.id}`);
      expect(await batch()).toMatchObject({ last: false, handled: 5, done: 5 });
      // A batch retried after it was recorded goes on with the rest.
      expect(await batch()).toMatchObject({ last: true, handled: 2, done: 2 });
      expect(await batch()).toMatchObject({ last: true, handled: 0 });

      const [row] = await query<{ reruns: number; sources: number; logged: number }>(sql`
      select count(*)::int as reruns, count(distinct rerun_of_id)::int as sources,
             (select count(*)::int from run_events e join runs r on r.id = e.run_id
              where r.bulk_action_id = ${action.id} and e.key = 'run:queued') as logged
      from runs where bulk_action_id = ${action.id}`);
      expect(row).toEqual({ reruns: 7, sources: 7, logged: 7 });
      expect((await getBulkActionById({ id: action.id }))?.done).toBe(7);
      // Start events are sent again for runs still queued, with the same ids: the engine keeps one.
      const ids = sent.map((event) => (event as { id: string }).id);
      expect(new Set(ids).size).toBe(7);
    },
  );

  it("cancels every active run the filter matches, and nothing that ended", async () => {
    const owner = await h.user();
    const workflowId = await h.workflow(
      plan([{ id: "ask", action: "wait.approval", input: { prompt: "ok?", timeout: "10m" } }]),
      owner,
    );
    const runs = await Promise.all(
      Array.from({ length: 12 }, () => h.start(workflowId, undefined, owner)),
    );
    await h.waitFor(async () => {
      const [row] = await query<{ n: number }>(
        sql`select count(*)::int as n from runs where workflow_id = ${workflowId} and status = 'waiting'`,
      );
      return row.n >= CONCURRENCY ? true : undefined;
    }, "some runs to wait");
    // A run of the same workflow that already ended.
    const [{ id: endedId }] = await query<{ id: string }>(sql`
      insert into runs (workflow_id, version_id, user_id, trigger, status, finished_at)
      select id, active_version_id, user_id, '{"type":"manual","inputs":{}}', 'failed', now()
      from workflows where id = ${workflowId}
      returning id`);
    session.userId = owner;
    const filter = { workflowId };
    const dry = await bulkRoute.POST(post({ action: "cancel", filter, dryRun: true }));
    expect(await dry.json()).toEqual({ count: 12 });
    const created = await bulkRoute.POST(post({ action: "cancel", filter }));
    expect(created.status).toBe(202);
    const { bulkAction } = await created.json();
    const finished = await h.waitFor(async () => {
      const body = await (await get(bulkAction.id)).json();
      return body.bulkAction.status === "succeeded" ? body.bulkAction : undefined;
    }, "the bulk cancel");
    expect(finished).toMatchObject({ kind: "cancel", total: 12, done: 12, failed: 0 });
    for (const run of runs) expect((await h.finished(run.id)).status).toBe("cancelled");
    const [ended] = await query<{ status: string }>(
      sql`select status from runs where id = ${endedId}`,
    );
    expect(ended.status).toBe("failed");
  });

  it("posts no summary into the thread for each run a bulk cancel stops", async () => {
    const owner = await h.user();
    const threadId = randomUUID();
    await getOrCreateThread({ id: threadId, userId: owner, title: "Releases" });
    const { workflow, version } = await createWorkflow({
      userId: owner,
      threadId,
      title: "Release gate",
      plan: plan([
        { id: "ask", action: "wait.approval", input: { prompt: "ok?", timeout: "10m" } },
      ]),
      author: "person",
    });
    await approveWorkflowVersion({ userId: owner, workflowId: workflow.id, versionId: version.id });
    // Started from the thread (Run now): each posts its card there as it starts.
    const start = async () =>
      (
        await startRunInThread({
          userId: owner,
          workflowId: workflow.id,
          threadId,
          client: h.client,
        })
      ).run;
    const runs: Run[] = [];
    for (let i = 0; i < 7; i++) runs.push(await start());
    await h.waitFor(async () => {
      const [row] = await query<{ n: number }>(
        sql`select count(*)::int as n from runs where workflow_id = ${workflow.id} and status = 'waiting'`,
      );
      return row.n >= CONCURRENCY ? true : undefined;
    }, "some runs to wait");

    const messageIds = async () =>
      (await getMessages({ threadId })).map((message) => message.id as string);
    // One run cancelled on its own gets its summary: the check below can see one.
    const [single, ...rest] = runs;
    expect(await cancelRun({ userId: owner, runId: single.id, client: h.client })).toEqual({
      cancelled: true,
      status: "cancelled",
    });
    await h.waitFor(
      async () =>
        (await messageIds()).includes(runSummaryMessageId(single.id)) ? true : undefined,
      "the single cancel's summary",
    );
    const before = await messageIds();
    expect(before).toHaveLength(runs.length + 1);

    session.userId = owner;
    const created = await bulkRoute.POST(
      post({ action: "cancel", filter: { workflowId: workflow.id } }),
    );
    expect(created.status).toBe(202);
    const { bulkAction } = await created.json();
    expect(bulkAction.total).toBe(rest.length);
    const finished = await h.waitFor(async () => {
      const body = await (await get(bulkAction.id)).json();
      return body.bulkAction.status === "succeeded" ? body.bulkAction : undefined;
    }, "the bulk cancel");
    expect(finished).toMatchObject({ done: rest.length, failed: 0 });
    for (const run of rest) expect((await h.finished(run.id)).status).toBe("cancelled");

    // Give a late writer (the engine cancelling the functions) time to post anything.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await getMessages({ threadId });
    expect(after.map((message) => message.id).sort()).toEqual([...before].sort());
    for (const run of rest) {
      const card = after.find((message) => message.id === runCardMessageId(run.id));
      // Each card still learns how its run ended, and the log says who ended it.
      const parts = (card?.parts ?? []) as {
        type: string;
        data?: { outcome?: { status: string } };
      }[];
      const data = parts.find((part) => part.type === "data-run")?.data;
      expect(data?.outcome?.status).toBe("cancelled");
      const [entry] = await query<{ data: { bulkActionId?: string } }>(
        sql`select data from run_events where run_id = ${run.id} and key = 'run:finished'`,
      );
      expect(entry.data.bulkActionId).toBe(bulkAction.id);
    }
  });

  it("serves bulk actions to their owner only, with checked bodies and a rate limit", async () => {
    const workflowId = await seedFailedRuns(3);
    const filter = { workflowId };
    session.userId = undefined;
    expect((await bulkRoute.POST(post({ action: "rerun", filter, dryRun: true }))).status).toBe(
      401,
    );
    session.userId = h.userId;
    const created = await bulkRoute.POST(post({ action: "rerun", filter }));
    expect(created.status).toBe(202);
    const { bulkAction } = await created.json();
    expect((await get(bulkAction.id)).status).toBe(200);
    session.userId = undefined;
    expect((await get(bulkAction.id)).status).toBe(401);

    // Another person: the action and the workflow are missing.
    session.userId = other;
    expect((await get(bulkAction.id)).status).toBe(404);
    expect((await get("not-a-uuid")).status).toBe(404);
    const theirs = await bulkRoute.POST(post({ action: "rerun", filter, dryRun: true }));
    expect(theirs.status).toBe(404);
    // Without a workflow, their filter matches only their own runs: none.
    const none = await bulkRoute.POST(post({ action: "rerun", filter: {}, dryRun: true }));
    expect(await none.json()).toEqual({ count: 0 });
    const nothing = await bulkRoute.POST(post({ action: "rerun", filter: {} }));
    expect(nothing.status).toBe(409);

    session.userId = h.userId;
    const hour = 60 * 60 * 1000;
    const bad: [unknown, RegExp | string][] = [
      [{ action: "delete", filter }, /Send/],
      [{ action: "rerun" }, /Send/],
      [{ action: "rerun", filter: { ...filter, nope: 1 } }, /Send/],
      [{ action: "rerun", filter: { status: ["running"] } }, /Only runs that ended can be re-run/],
      [{ action: "cancel", filter: { status: ["failed"] } }, /Only runs still going/],
      [
        {
          action: "rerun",
          filter: {
            from: new Date(Date.now() - hour).toISOString(),
            to: new Date(Date.now() - 2 * hour).toISOString(),
          },
        },
        "The time range ends before it starts.",
      ],
      [
        { action: "rerun", filter: { from: new Date(Date.now() + hour).toISOString() } },
        "The time range starts in the future.",
      ],
      [{ action: "rerun", filter: { from: "yesterday" } }, /Send/],
      [{ action: "cancel", filter, from: "start" }, /for a re-run only/],
    ];
    for (const [body, message] of bad) {
      const response = await bulkRoute.POST(post(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json()).error.message).toMatch(message);
    }
    const huge = await bulkRoute.POST(post({ action: "rerun", filter, pad: "x".repeat(8192) }));
    expect(huge.status).toBe(413);

    // A person who has not asked yet gets two, then 429 with when to come back.
    setRateLimits({ bulk: { points: 2, duration: 60 } });
    session.userId = await h.user();
    for (let i = 0; i < 2; i++) {
      const allowed = await bulkRoute.POST(post({ action: "rerun", filter: {}, dryRun: true }));
      expect(allowed.status).toBe(200);
    }
    const limited = await bulkRoute.POST(post({ action: "rerun", filter: {}, dryRun: true }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });
  it("re-runs every one of thousands of failed runs exactly once, queued behind the person's concurrency", async () => {
    const total = SEEDED[driver];
    const seedStart = Date.now();
    const workflowId = await seedFailedRuns(total);
    const seededIn = Date.now() - seedStart;
    session.userId = h.userId;
    const filter = { workflowId, status: ["failed"] };

    const countStart = Date.now();
    const dry = await bulkRoute.POST(post({ action: "rerun", filter, dryRun: true }));
    const countedIn = Date.now() - countStart;
    expect(dry.status).toBe(200);
    expect(await dry.json()).toEqual({ count: total });

    const maxConcurrent = sampleConcurrency(h.userId);
    const requestStart = Date.now();
    const created = await bulkRoute.POST(
      post({ action: "rerun", filter, from: "start", version: "pinned" }),
    );
    const requestIn = Date.now() - requestStart;
    expect(created.status).toBe(202);
    const { bulkAction } = await created.json();
    expect(bulkAction).toMatchObject({
      kind: "rerun",
      status: "queued",
      total,
      done: 0,
      failed: 0,
    });
    // The request only stores the action: the work is the job's.
    expect(requestIn).toBeLessThan(2000);

    const jobStart = Date.now();
    const seen: number[] = [];
    const finished = await h.waitFor(
      async () => {
        const body = await (await get(bulkAction.id)).json();
        seen.push(body.bulkAction.done);
        return body.bulkAction.status === "succeeded" ? body.bulkAction : undefined;
      },
      "the bulk action to finish",
      100_000,
    );
    const jobIn = Date.now() - jobStart;
    expect(finished).toMatchObject({ total, done: total, failed: 0, error: null });
    expect(finished.finishedAt).toEqual(expect.any(String));
    // Progress moved in batches the page can show.
    expect(new Set(seen).size).toBeGreaterThan(1);

    // Every source run has exactly one re-run, of this action, pinned to its version.
    const [links] = await query<{ reruns: number; sources: number; missing: number }>(sql`
        select
          (select count(*)::int from runs where bulk_action_id = ${bulkAction.id}) as reruns,
          (select count(distinct rerun_of_id)::int from runs where bulk_action_id = ${bulkAction.id}) as sources,
          (select count(*)::int from runs s where s.workflow_id = ${workflowId}
             and s.rerun_of_id is null
             and (select count(*) from runs r where r.rerun_of_id = s.id) <> 1) as missing`);
    expect(links).toEqual({ reruns: total, sources: total, missing: 0 });
    // Each queued once in the engine: one execute-workflow run per re-run (the engine turns
    // accepted events into runs a moment later).
    const engineRuns = () =>
      query<{ runs: number; distinct: number }>(sql`
          select count(*)::int as runs, count(distinct e.event->'data'->>'runId')::int as distinct
          from engine.runs e
          where e.function_id like '%execute-workflow'
            and (e.event->'data'->>'runId')::uuid in (select id from runs where bulk_action_id = ${bulkAction.id})`);
    await h.waitFor(
      async () => ((await engineRuns())[0].runs >= total ? true : undefined),
      "the engine to take every start event",
      30_000,
    );
    expect((await engineRuns())[0]).toEqual({ runs: total, distinct: total });

    // A sample completes, with the source's own inputs (the same trigger).
    const sample = await query<{ id: string; n: number }>(sql`
        select r.id, (s.trigger->'inputs'->>'n')::int as n
        from runs r join runs s on s.id = r.rerun_of_id
        where r.bulk_action_id = ${bulkAction.id}
        order by s.created_at, s.id limit 12`);
    const sampleStart = Date.now();
    for (const { id, n } of sample) {
      const run = await h.finished(id, 60_000);
      expect(run.status).toBe("succeeded");
      expect(run.output).toBe(n);
    }
    const sampleIn = Date.now() - sampleStart;
    const concurrent = await maxConcurrent();
    expect(concurrent).toBeGreaterThan(0);
    expect(concurrent).toBeLessThanOrEqual(CONCURRENCY);
    const [ended] = await query<{ n: number }>(sql`
        select count(*)::int as n from runs
        where bulk_action_id = ${bulkAction.id} and status in ('succeeded', 'failed')`);
    console.log(
      `${driver}: seeded ${total} failed runs in ${seededIn} ms; dry run ${countedIn} ms; ` +
        `POST ${requestIn} ms; job (created and queued every re-run) ${jobIn} ms; ` +
        `first ${sample.length} re-runs done ${sampleIn} ms later; ` +
        `${ended.n} of ${total} re-runs ended by then; at most ${concurrent} executing at once`,
    );
  }, 150_000);
});
