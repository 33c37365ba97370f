// A run's log is paged, never cut: a run with 1,500 entries shows its newest entries and its
// failure lines at once, pages back through every other entry, and the chat's getRun tool
// names the failure however long the log.
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) }) as never;
const ENTRIES = 1500;

describe("a run's log beyond 1,000 entries", () => {
  const database = queriesDatabase("postgres");
  let owner: string;
  let runId: string;

  beforeEach(async () => {
    const q = await import("@/lib/db/queries");
    const wq = await import("@/lib/db/workflow-queries");
    const rq = await import("@/lib/db/run-queries");
    owner = (await q.createUser({ email: `${crypto.randomUUID()}@example.com`, passwordHash: "x" }))
      .id;
    session.userId = owner;
    const { workflow, version } = await wq.createWorkflow({
      userId: owner,
      title: "Chatty",
      plan: { version: 1, title: "Chatty", trigger: { type: "manual" }, steps: [] },
      author: "model",
    });
    const run = await rq.createRun({
      workflowId: workflow.id,
      versionId: version.id,
      userId: owner,
      trigger: { type: "manual" },
    });
    runId = run.id;
    // The run's own first entry (run:queued) is seq 1; the rest is bulk: an early failure at
    // seq 10, chatter, and the run's end at the last seq.
    await database.db.execute(sql`
      insert into run_events (run_id, seq, level, step_id, message, key)
      select ${runId}::uuid, n,
        case when n in (10, ${ENTRIES}) then 'error' else 'info' end,
        case when n = 10 then 'fetch' else null end,
        case when n = 10 then 'fetch failed: HTTP 503 from the status API'
             when n = ${ENTRIES} then 'Run failed at step fetch'
             else 'entry ' || n end,
        'bulk:' || n
      from generate_series(2, ${ENTRIES}) as n`);
    await rq.finishRun({
      runId,
      status: "failed",
      error: { step: "fetch", message: "HTTP 503 from the status API" },
    });
  });

  async function get(path: string) {
    const route = path.includes("/log")
      ? await import("@/app/api/runs/[id]/log/route")
      : await import("@/app/api/runs/[id]/route");
    const response = await route.GET(new Request(`http://app.test${path}`), ctx({ id: runId }));
    return { status: response.status, body: await response.json() };
  }

  it("shows the newest entries and the failure lines in the run view", async () => {
    const { status, body } = await get(`/api/runs/${runId}`);
    expect(status).toBe(200);
    const seqs = body.events.map((e: { seq: number }) => e.seq);
    expect(seqs.at(-1)).toBe(ENTRIES);
    expect(seqs).toContain(10);
    expect(body.events.find((e: { seq: number }) => e.seq === 10).message).toMatch(/HTTP 503/);
    expect(body.log).toEqual({ total: ENTRIES, olderBefore: ENTRIES - 499 });
  });

  it("pages back through every entry, once each", async () => {
    const seen: number[] = [];
    let path = `/api/runs/${runId}/log?limit=400`;
    for (;;) {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      seen.unshift(...body.events.map((e: { seq: number }) => e.seq));
      if (!body.before) break;
      path = `/api/runs/${runId}/log?limit=400&before=${body.before}`;
    }
    expect(seen).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
  });

  it("tells the chat why the run failed", async () => {
    const { getRunTool } = await import("@/lib/ai/tools/run-tools");
    const tool = getRunTool({ userId: owner, threadId: crypto.randomUUID() });
    const output = (await (tool.execute as (i: unknown, o: unknown) => Promise<unknown>)(
      { runId },
      { toolCallId: "t", messages: [] },
    )) as { ok: boolean; failureLines: string[]; logEntries: number };
    expect(output.ok).toBe(true);
    expect(output.logEntries).toBe(ENTRIES);
    expect(output.failureLines.join("\n")).toMatch(/fetch failed: HTTP 503 from the status API/);
    expect(output.failureLines.at(-1)).toMatch(/Run failed at step fetch/);
  });

  it("refuses anonymous callers, other people, and malformed pages", async () => {
    session.userId = undefined;
    expect((await get(`/api/runs/${runId}/log`)).status).toBe(401);
    const q = await import("@/lib/db/queries");
    session.userId = (
      await q.createUser({ email: `${crypto.randomUUID()}@example.com`, passwordHash: "x" })
    ).id;
    expect((await get(`/api/runs/${runId}/log`)).status).toBe(404);
    session.userId = owner;
    for (const query of [
      "?before=abc",
      "?before=0",
      "?before=-3",
      "?limit=0",
      "?limit=1001",
      "?limit=x",
    ]) {
      const refused = await get(`/api/runs/${runId}/log${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code).toBe("bad_request:run");
    }
  });
});
