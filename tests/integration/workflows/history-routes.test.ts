// GET /api/workflows/:id/runs (paged history with filters) and GET /api/workflows/:id/metrics
// as the browser calls them: the owner's data only, clear 4xx for anything malformed.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import type { HistoryRow, WorkflowMetrics } from "@/lib/workflows/history-types";
import { fixturePlan } from "../../fixtures/plans";
import { queriesDatabase } from "../../helpers/queries";
import { insertSeed, type SeedRun, seedRuns } from "./history-seed";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const ctx = (id: string) => ({ params: Promise.resolve({ id }) }) as never;
const get = (path: string) => new Request(`http://app.test${path}`);

describe("history and metrics routes", () => {
  const database = queriesDatabase("postgres");
  let runsRoute: typeof import("@/app/api/workflows/[id]/runs/route");
  let metricsRoute: typeof import("@/app/api/workflows/[id]/metrics/route");
  let ada: string;
  let bob: string;
  let workflowId: string;
  let seeds: SeedRun[];
  const now = new Date();

  beforeAll(async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    runsRoute = await import("@/app/api/workflows/[id]/runs/route");
    metricsRoute = await import("@/app/api/workflows/[id]/metrics/route");
    ada = (await q.createUser({ email: "ada-history-routes@example.com", passwordHash: "x" })).id;
    bob = (await q.createUser({ email: "bob-history-routes@example.com", passwordHash: "x" })).id;
    await database.db
      .update(users)
      .set({ timezone: "America/Los_Angeles" })
      .where(eq(users.id, ada));
    const made = await w.createWorkflow({
      userId: ada,
      title: "Incident digest",
      plan: fixturePlan("morning-incident-digest"),
      author: "model",
    });
    workflowId = made.workflow.id;
    seeds = seedRuns(now);
    await insertSeed(database.db, { workflowId, versionId: made.version.id, userId: ada }, seeds);
  });

  const runs = (query: string) =>
    runsRoute.GET(get(`/api/workflows/${workflowId}/runs${query}`), ctx(workflowId));
  const metrics = (query: string) =>
    metricsRoute.GET(get(`/api/workflows/${workflowId}/metrics${query}`), ctx(workflowId));

  it("answers 401 without a session and 404 for another person's workflow", async () => {
    session.userId = undefined;
    expect((await runs("")).status).toBe(401);
    expect((await metrics("")).status).toBe(401);
    session.userId = bob;
    const refused = await runs("?status=failed");
    expect(refused.status).toBe(404);
    expect((await refused.json()).error.code).toBe("not_found:workflow");
    expect((await metrics("?window=7d")).status).toBe(404);
    expect((await runsRoute.GET(get("/x"), ctx("not-a-uuid"))).status).toBe(404);
    expect((await metricsRoute.GET(get("/x"), ctx("not-a-uuid"))).status).toBe(404);
  });

  it("answers 400 for malformed filters, cursors, sizes, windows and zones", async () => {
    session.userId = ada;
    for (const query of [
      "?status=done",
      "?status=",
      "?trigger=cron",
      "?from=yesterday",
      "?to=2026-13-01T00:00:00Z",
      "?limit=0",
      "?limit=201",
      "?limit=ten",
      "?cursor=not-a-cursor",
      `?cursor=${"x".repeat(300)}`,
    ]) {
      const response = await runs(query);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.code, query).toBe("bad_request:run");
    }
    for (const query of ["?window=1y", "?tz=Mars/Olympus", `?tz=${"A".repeat(100)}`]) {
      const response = await metrics(query);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.code, query).toBe("bad_request:run");
    }
  });

  it("pages through every run with filters, returning { runs, nextCursor }", async () => {
    session.userId = ada;
    const collect = async (query: string) => {
      const rows: HistoryRow[] = [];
      let cursor: string | null = null;
      do {
        const response = await runs(`?${query}&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as { runs: HistoryRow[]; nextCursor: string | null };
        rows.push(...page.runs);
        cursor = page.nextCursor;
      } while (cursor);
      return rows;
    };
    const all = await collect("");
    expect(new Set(all.map((row) => row.id))).toEqual(new Set(seeds.map((seed) => seed.id)));
    expect(all.length).toBe(seeds.length);
    const failedSchedules = await collect("status=failed,cancelled&trigger=schedule");
    expect(failedSchedules.map((row) => row.id).sort()).toEqual(
      seeds
        .filter((s) => ["failed", "cancelled"].includes(s.status) && s.kind === "schedule")
        .map((s) => s.id)
        .sort(),
    );
    const from = new Date(now.getTime() - 24 * 3_600_000).toISOString();
    const recent = await collect(`from=${encodeURIComponent(from)}`);
    expect(recent.map((row) => row.id).sort()).toEqual(
      seeds
        .filter((s) => s.createdAt.toISOString() >= from)
        .map((s) => s.id)
        .sort(),
    );
    const first = (await (await runs("")).json()) as { runs: HistoryRow[] };
    expect(first.runs.length).toBe(seeds.length);
    expect(first.runs[0]).toMatchObject({
      trigger: expect.any(String),
      status: expect.any(String),
    });
  });

  it("answers the metrics over a window, with days in the person's zone unless tz says otherwise", async () => {
    session.userId = ada;
    const inZone = (await (await metrics("?window=7d")).json()) as WorkflowMetrics;
    const lastDay = (timeZone: string) =>
      new Date(new Date(inZone.to).getTime() - 1).toLocaleDateString("en-CA", { timeZone });
    expect(inZone.perDay.at(-1)?.day).toBe(lastDay("America/Los_Angeles"));
    expect(inZone).toMatchObject({
      window: "7d",
      runs: seeds.length,
      failed: seeds.filter((s) => s.status === "failed").length,
    });
    const paris = (await (await metrics("?window=24h&tz=Asia/Tokyo")).json()) as WorkflowMetrics;
    expect(paris.perDay.at(-1)?.day).toBe(lastDay("Asia/Tokyo"));
    const dayAgo = now.getTime() - 24 * 3_600_000;
    expect(paris.runs).toBe(
      seeds.filter((s) => s.createdAt.getTime() >= new Date(paris.from).getTime()).length,
    );
    expect(new Date(paris.from).getTime()).toBeLessThanOrEqual(dayAgo);
  });
});
