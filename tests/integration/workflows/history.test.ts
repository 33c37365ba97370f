// The run history and metrics queries on both drivers: keyset pages through every run,
// filters, failure points, and days in the person's zone.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/lib/db/schema";
import type { HistoryFilter, HistoryRow } from "@/lib/workflows/history-types";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";
import { insertSeed, NOW, type SeedRun, seedRuns } from "./history-seed";

const digest = fixturePlan("morning-incident-digest");
const titled = {
  ...digest,
  title: "Incident digest",
  steps: digest.steps.map((step) => ({ ...step, title: `Step ${String(step.id)}` })),
};

const newestFirst = (a: SeedRun, b: SeedRun) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function dayIn(at: Date, timeZone: string) {
  return at.toLocaleDateString("en-CA", { timeZone });
}

/** The nearest-rank percentile of exact values, for checking the bucketed one. */
function exactPercentile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

/** Within the histogram's bound (half a bucket: 2^(1/8) − 1 ≈ 9.1 %, or a rounding ms). */
function near(actual: number | null, exact: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - exact)).toBeLessThanOrEqual(exact * 0.0906 + 1);
}

describe.each(drivers)("run history and metrics on %s", (driver) => {
  const database = queriesDatabase(driver);
  let h: typeof import("@/lib/db/history-queries");
  let ada: string;
  let bob: string;
  let workflowId: string;
  let quietId: string;
  let seeds: SeedRun[];
  let bobsWorkflow: string;

  beforeAll(async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    h = await import("@/lib/db/history-queries");
    ada = (await q.createUser({ email: `ada-history-${driver}@example.com`, passwordHash: "x" }))
      .id;
    bob = (await q.createUser({ email: `bob-history-${driver}@example.com`, passwordHash: "x" }))
      .id;
    const made = await w.createWorkflow({
      userId: ada,
      title: "Incident digest",
      plan: titled,
      author: "model",
    });
    await w.approveWorkflowVersion({
      workflowId: made.workflow.id,
      versionId: made.version.id,
      userId: ada,
    });
    workflowId = made.workflow.id;
    seeds = seedRuns();
    await insertSeed(database.db, { workflowId, versionId: made.version.id, userId: ada }, seeds);

    const quiet = await w.createWorkflow({
      userId: ada,
      title: "Quiet report",
      plan: { ...titled, title: "Quiet report" },
      author: "model",
    });
    quietId = quiet.workflow.id;
    // Its only run is older than any window.
    await database.db.insert(runs).values({
      workflowId: quietId,
      versionId: quiet.version.id,
      userId: ada,
      trigger: { type: "manual" },
      status: "failed",
      createdAt: new Date("2025-11-02T08:00:00Z"),
    });
    await w.createWorkflow({ userId: ada, title: "Never ran", plan: titled, author: "model" });

    const bobs = await w.createWorkflow({
      userId: bob,
      title: "Bob's",
      plan: titled,
      author: "model",
    });
    bobsWorkflow = bobs.workflow.id;
    await insertSeed(
      database.db,
      { workflowId: bobsWorkflow, versionId: bobs.version.id, userId: bob },
      seedRuns().slice(0, 5),
    );
  });

  async function allPages(filter: HistoryFilter, limit: number): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result = await h.listRunHistory({ userId: ada, workflowId, filter, cursor, limit });
      expect(result.runs.length).toBeLessThanOrEqual(limit);
      rows.push(...result.runs);
      cursor = result.nextCursor;
      if (!cursor) return rows;
    }
    throw new Error("the pages never ended");
  }

  it("pages through every run, newest first, none repeated or skipped", async () => {
    const expected = [...seeds].sort(newestFirst).map((seed) => seed.id);
    for (const limit of [1, 3, 7, 50]) {
      expect((await allPages({}, limit)).map((row) => row.id)).toEqual(expected);
    }
    const first = await h.listRunHistory({ userId: ada, workflowId, limit: 200 });
    expect(first.nextCursor).toBeNull();
  });

  it("filters by status, trigger and date range, and combines them", async () => {
    const check = async (filter: HistoryFilter, keep: (seed: SeedRun) => boolean) => {
      const expected = seeds
        .filter(keep)
        .sort(newestFirst)
        .map((seed) => seed.id);
      expect(expected.length).toBeGreaterThan(0);
      expect((await allPages(filter, 4)).map((row) => row.id)).toEqual(expected);
    };
    await check({ status: ["failed"] }, (s) => s.status === "failed");
    await check({ status: ["failed", "cancelled"] }, (s) =>
      ["failed", "cancelled"].includes(s.status),
    );
    await check({ trigger: ["schedule"] }, (s) => s.kind === "schedule");
    await check({ trigger: ["chat", "webhook"] }, (s) => s.kind === "chat" || s.kind === "webhook");
    const from = new Date(NOW.getTime() - 60 * 3_600_000);
    const to = new Date(NOW.getTime() - 20 * 3_600_000);
    await check(
      { from: from.toISOString(), to: to.toISOString() },
      (s) => s.createdAt >= from && s.createdAt < to,
    );
    await check(
      { status: ["succeeded"], trigger: ["manual"], from: from.toISOString() },
      (s) => s.status === "succeeded" && s.kind === "manual" && s.createdAt >= from,
    );
  });

  it("describes each run: trigger, version, duration, failed step with its title, error", async () => {
    const rows = await allPages({}, 50);
    for (const seed of seeds) {
      const row = rows.find((r) => r.id === seed.id);
      expect(row).toMatchObject({
        status: seed.status,
        trigger: seed.kind,
        versionNumber: 1,
        createdAt: seed.createdAt.toISOString(),
        durationMs: seed.durationMs,
        failedStep: seed.failedStep
          ? { id: seed.failedStep, title: `Step ${seed.failedStep}` }
          : null,
        error: seed.error,
      });
    }
  });

  it("keeps another person's history and metrics to themselves and refuses a forged cursor", async () => {
    await expect(
      h.listRunHistory({ userId: bob, workflowId, filter: {}, limit: 10 }),
    ).rejects.toMatchObject({ code: "not_found:workflow" });
    expect(
      await h.getWorkflowMetrics({
        userId: bob,
        workflowId,
        window: "7d",
        now: NOW,
        timeZone: "UTC",
      }),
    ).toBeUndefined();
    expect(
      (await h.getDashboard({ userId: bob, window: "7d", now: NOW, timeZone: "UTC" })).map(
        (r) => r.workflowId,
      ),
    ).toEqual([bobsWorkflow]);
    await expect(
      h.listRunHistory({ userId: ada, workflowId, cursor: "bm90IGEgY3Vyc29y" }),
    ).rejects.toMatchObject({ code: "bad_request:run" });
    await expect(
      h.listRunHistory({ userId: ada, workflowId, filter: { from: "yesterday-ish" } }),
    ).rejects.toMatchObject({ code: "bad_request:run" });
    await expect(
      h.getWorkflowMetrics({ userId: ada, workflowId, window: "7d", timeZone: "Mars/Olympus" }),
    ).rejects.toMatchObject({ code: "bad_request:run" });
  });

  it("counts runs, success rate, durations and retries over the window", async () => {
    const metrics = await h.getWorkflowMetrics({
      userId: ada,
      workflowId,
      window: "7d",
      now: NOW,
      timeZone: "Europe/Paris",
    });
    expect(metrics).toBeDefined();
    if (!metrics) return;
    expect(metrics.to).toBe("2026-03-10T13:00:00.000Z");
    expect(metrics.from).toBe("2026-03-03T12:00:00.000Z");
    const count = (status: string) => seeds.filter((s) => s.status === status).length;
    expect(metrics).toMatchObject({
      runs: seeds.length,
      succeeded: count("succeeded"),
      failed: count("failed"),
      cancelled: count("cancelled"),
    });
    expect(metrics.successRate).toBeCloseTo(
      count("succeeded") / (count("succeeded") + count("failed")),
      10,
    );
    const ended = seeds.filter((s) => s.status === "succeeded" || s.status === "failed");
    const durations = ended.map((s) => s.durationMs as number);
    near(metrics.p50Ms, exactPercentile(durations, 0.5));
    near(metrics.p95Ms, exactPercentile(durations, 0.95));
    const finished = seeds.filter((s) => s.status !== "running");
    const retries = finished.reduce(
      (sum, s) => sum + s.steps.reduce((n, step) => n + step.durations.length - 1, 0),
      0,
    );
    expect(retries).toBeGreaterThan(0);
    expect(metrics.retries).toBe(retries);

    const fetch = metrics.steps.find((step) => step.stepId === "fetch");
    const fetchAttempts = finished.flatMap(
      (s) => s.steps.find((step) => step.stepId === "fetch")?.durations ?? [],
    );
    expect(fetch).toMatchObject({ title: "Step fetch", attempts: fetchAttempts.length });
    near(fetch?.p50Ms ?? null, exactPercentile(fetchAttempts, 0.5));
    near(fetch?.p95Ms ?? null, exactPercentile(fetchAttempts, 0.95));
    const fetchFailures = finished.reduce((sum, s) => {
      const step = s.steps.find((x) => x.stepId === "fetch");
      return sum + (step ? step.durations.length - 1 + (step.failed ? 1 : 0) : 0);
    }, 0);
    expect(fetch?.failures).toBe(fetchFailures);
    // Plan order: fetch, summarize, post.
    expect(metrics.steps.map((step) => step.stepId)).toEqual(["fetch", "summarize", "post"]);
  });

  it("ranks failure points with each step's newest failure and its run", async () => {
    const metrics = await h.getWorkflowMetrics({
      userId: ada,
      workflowId,
      window: "30d",
      now: NOW,
      timeZone: "UTC",
    });
    const failed = seeds.filter((s) => s.status === "failed");
    const expected = ["fetch", "post"]
      .map((stepId) => {
        const mine = failed.filter((s) => s.failedStep === stepId).sort(newestFirst);
        return {
          stepId,
          title: `Step ${stepId}`,
          failures: mine.length,
          lastRunId: mine[0].id,
          lastError: mine[0].error,
          lastFailedAt: new Date(
            mine[0].createdAt.getTime() + (mine[0].durationMs as number),
          ).toISOString(),
        };
      })
      .sort((a, b) => b.failures - a.failures);
    expect(expected[0].failures).toBeGreaterThan(expected[1].failures);
    expect(metrics?.failurePoints).toEqual(expected);
  });

  it("counts days in the person's zone", async () => {
    for (const timeZone of ["Europe/Paris", "America/Los_Angeles", "UTC"]) {
      const metrics = await h.getWorkflowMetrics({
        userId: ada,
        workflowId,
        window: "7d",
        now: NOW,
        timeZone,
      });
      const expected = new Map<string, { succeeded: number; failed: number; other: number }>();
      for (const seed of seeds) {
        const day = dayIn(seed.createdAt, timeZone);
        const entry = expected.get(day) ?? { succeeded: 0, failed: 0, other: 0 };
        if (seed.status === "succeeded") entry.succeeded++;
        else if (seed.status === "failed") entry.failed++;
        else entry.other++;
        expected.set(day, entry);
      }
      const days = metrics?.perDay ?? [];
      expect(days[0].day).toBe(dayIn(new Date("2026-03-03T12:00:00Z"), timeZone));
      expect(days.at(-1)?.day).toBe(dayIn(new Date("2026-03-10T12:59:59Z"), timeZone));
      for (const day of days) {
        expect(day).toEqual({
          day: day.day,
          ...(expected.get(day.day) ?? { succeeded: 0, failed: 0, other: 0 }),
        });
      }
      expect(days.reduce((n, d) => n + d.succeeded + d.failed + d.other, 0)).toBe(seeds.length);
    }
    // The run of 6 March 23:13 UTC is a 6 March run in UTC and a 7 March one in Paris.
    const late = seeds.find((s) => s.createdAt.toISOString() === "2026-03-06T23:13:00.000Z");
    expect(late?.status).toBe("failed");
    const dayOf = async (timeZone: string, day: string) =>
      (
        await h.getWorkflowMetrics({ userId: ada, workflowId, window: "7d", now: NOW, timeZone })
      )?.perDay.find((d) => d.day === day);
    const sameDay = (timeZone: string, day: string) =>
      seeds.filter((s) => s.status === "failed" && dayIn(s.createdAt, timeZone) === day).length;
    expect((await dayOf("UTC", "2026-03-06"))?.failed).toBe(sameDay("UTC", "2026-03-06"));
    expect((await dayOf("Europe/Paris", "2026-03-07"))?.failed).toBe(
      sameDay("Europe/Paris", "2026-03-07"),
    );
    expect(sameDay("Europe/Paris", "2026-03-07")).toBe(sameDay("UTC", "2026-03-07") + 1);
  });

  it("lists every workflow of the person on the dashboard with its last run, however old", async () => {
    const rows = await h.getDashboard({
      userId: ada,
      window: "30d",
      now: NOW,
      timeZone: "Europe/Paris",
    });
    expect(rows.map((row) => row.title).sort()).toEqual([
      "Incident digest",
      "Never ran",
      "Quiet report",
    ]);
    const digestRow = rows.find((row) => row.workflowId === workflowId);
    const newest = [...seeds].sort(newestFirst)[0];
    expect(digestRow).toMatchObject({
      status: "active",
      runs: seeds.length,
      lastRun: { id: newest.id, status: newest.status, createdAt: newest.createdAt.toISOString() },
    });
    expect(digestRow?.perDay.length).toBe(31);
    expect(digestRow?.perDay.reduce((n, d) => n + d.succeeded + d.failed + d.other, 0)).toBe(
      seeds.length,
    );
    const quiet = rows.find((row) => row.workflowId === quietId);
    expect(quiet).toMatchObject({ runs: 0, successRate: null, lastRun: { status: "failed" } });
    expect(quiet?.perDay.every((d) => d.succeeded + d.failed + d.other === 0)).toBe(true);
    expect(rows.find((row) => row.title === "Never ran")?.lastRun).toBeNull();
  });

  it("counts each run once as it ends, however often and concurrently its end is recorded", async () => {
    const w = await import("@/lib/db/workflow-queries");
    const r = await import("@/lib/db/run-queries");
    const rollups = await import("@/lib/db/rollup-queries");
    const made = await w.createWorkflow({
      userId: ada,
      title: "Live counts",
      plan: titled,
      author: "model",
    });
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const run = await r.createRun({
          workflowId: made.workflow.id,
          versionId: made.version.id,
          userId: ada,
          trigger: { type: "manual", inputs: {} },
        });
        const startedAt = new Date(Date.now() - 5000);
        for (const attempt of [1, 2]) {
          await r.upsertStepAttempt({
            runId: run.id,
            stepId: "fetch",
            iteration: -1,
            attempt,
            status: attempt === 1 ? "failed" : "succeeded",
            startedAt,
            finishedAt: new Date(startedAt.getTime() + 300),
          });
        }
        return { id: run.id, failed: index % 3 === 0 };
      }),
    );
    const finish = ({ id, failed }: { id: string; failed: boolean }) =>
      r.finishRun({
        runId: id,
        status: failed ? "failed" : "succeeded",
        error: failed ? { step: "post", message: `post refused ${id}` } : undefined,
      });
    expect(await Promise.all(ids.map(finish))).toEqual(ids.map(() => true));
    expect(await Promise.all(ids.map(finish))).toEqual(ids.map(() => false));
    await rollups.rollUpAllPendingRuns();

    const metrics = await h.getWorkflowMetrics({
      userId: ada,
      workflowId: made.workflow.id,
      window: "24h",
      timeZone: "Europe/Paris",
    });
    const failed = ids.filter((run) => run.failed).length;
    expect(metrics).toMatchObject({ runs: 12, failed, succeeded: 12 - failed, retries: 12 });
    expect(metrics?.steps).toEqual([
      expect.objectContaining({ stepId: "fetch", attempts: 24, failures: 12 }),
    ]);
    near(metrics?.steps[0].p50Ms ?? null, 300);
    expect(metrics?.failurePoints).toEqual([
      expect.objectContaining({ stepId: "post", title: "Step post", failures: failed }),
    ]);
    const last = metrics?.failurePoints[0];
    expect(last?.lastError).toBe(`post refused ${last?.lastRunId}`);
    const [rolled] = await database.db
      .execute(
        sql`select count(*)::int as n from runs where workflow_id = ${made.workflow.id} and not rolled_up`,
      )
      .then((result) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows));
    expect(rolled).toEqual({ n: 0 });
  });

  it("marks a re-run with the run it re-ran, under that run's trigger", async () => {
    const [source] = await database.db
      .select({ id: runs.id, versionId: runs.versionId })
      .from(runs)
      .where(sql`${runs.workflowId} = ${quietId}`);
    const [rerun] = await database.db
      .insert(runs)
      .values({
        workflowId: quietId,
        versionId: source.versionId,
        userId: ada,
        trigger: { type: "schedule" },
        rerunOfId: source.id,
        status: "succeeded",
        createdAt: new Date("2025-11-03T08:00:00Z"),
      })
      .returning({ id: runs.id });
    const { runs: rows } = await h.listRunHistory({ userId: ada, workflowId: quietId, filter: {} });
    expect(rows.map((row) => [row.id, row.trigger, row.rerunOfId])).toEqual([
      [rerun.id, "schedule", source.id],
      [source.id, "manual", null],
    ]);
  });
});
