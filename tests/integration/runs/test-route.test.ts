// POST /api/workflows/:id/test as the browser calls it: a draft tested with a chosen wait
// branch (its side-effecting step not run, its card the only message), the approved version,
// and every refusal (anonymous, another person's workflow, malformed, oversized, a version of
// another workflow, a rejected version, too many tests).
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const testRoute = await import("@/app/api/workflows/[id]/test/route");
const { resetRateLimits, setRateLimits } = await import("@/lib/rate-limit");
const { getMessages, getOrCreateThread } = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const { listRunSteps } = await import("@/lib/db/run-queries");

describe("the test route", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });
  afterEach(() => resetRateLimits());

  /** A draft in a thread of `owner`: count something, ask, then count again if approved. */
  async function draft(owner = h.userId) {
    const key = `test-route-${Date.now()}-${Math.random()}`;
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: owner, title: "Tests" });
    const { workflow, version } = await workflowQueries.createWorkflow({
      userId: owner,
      threadId,
      title: "Counting",
      plan: plan(
        [
          { id: "count", action: "test.count", input: { key, value: "{{ trigger.inputs.n }}" } },
          {
            id: "ask",
            action: "wait.approval",
            after: ["count"],
            input: { prompt: "Go?", timeout: "1h" },
          },
          {
            id: "again",
            action: "test.count",
            after: ["ask"],
            if: "steps.ask.output.approved",
            input: { key: `${key}:again` },
          },
        ],
        { trigger: { type: "manual", inputs: { n: { type: "number", default: 1 } } } },
      ),
      author: "model",
    });
    return { key, threadId, workflowId: workflow.id, versionId: version.id };
  }

  it("tests a draft: nothing side-effecting runs, the wait goes the chosen way, one card", async () => {
    const d = await draft();
    session.userId = h.userId;
    const response = await testRoute.POST(
      post({ inputs: { n: 3 }, waits: { ask: "approved" } }),
      ctx({ id: d.workflowId }),
    );
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.run).toMatchObject({
      workflowId: d.workflowId,
      versionId: d.versionId,
      test: { waits: { ask: "approved" } },
      trigger: { type: "manual", inputs: { n: 3 } },
    });
    expect(body.message).toMatchObject({
      id: `run_${body.run.id}_card`,
      parts: [{ type: "data-run", data: { runId: body.run.id, test: true } }],
    });
    expect((await h.finished(body.run.id)).status).toBe("succeeded");
    // test.count counts when it runs: in a test it never did.
    expect([...h.effects.counts.keys()].filter((k) => k.includes(d.key))).toEqual([]);
    const steps = await listRunSteps({ runId: body.run.id });
    const again = steps.find((s) => s.stepId === "again");
    expect(again).toMatchObject({ status: "succeeded" });
    expect(again?.simulated).toMatchObject({ summary: "runs test.count (not run in a test)" });
    expect(steps.find((s) => s.stepId === "ask")?.output).toMatchObject({ approved: true });
    const messages = await getMessages({ threadId: d.threadId });
    expect(messages.map((m) => m.id)).toEqual([`run_${body.run.id}_card`]);
  });

  it("gives a wait.event that goes event the data sent, else an example of its event", async () => {
    // Its own person: the tests of the others stay within the rate limit.
    const owner = await h.user();
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: owner, title: "Tests" });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: owner,
      threadId,
      title: "Watching",
      plan: plan([
        {
          id: "hold",
          action: "wait.event",
          input: {
            event: "workflow/run.finished",
            match: 'event.data.status = "failed"',
            timeout: "1h",
          },
        },
        {
          id: "why",
          action: "transform",
          after: ["hold"],
          if: "steps.hold.output.timedOut = false",
          input: { value: "{{ steps.hold.output.payload.data.error.message }}" },
        },
      ]),
      author: "model",
    });
    const id = ctx({ id: workflow.id });
    session.userId = owner;

    const data = { status: "failed", error: { step: "x", message: "quota exceeded" } };
    const given = await testRoute.POST(post({ eventData: { hold: data } }), id);
    expect(given.status).toBe(201);
    const { run } = await given.json();
    expect(run.test).toEqual({
      waits: { hold: "event" },
      events: { hold: { name: "workflow/run.finished", data } },
    });
    expect((await h.finished(run.id)).output).toBe("quota exceeded");
    const hold = (await listRunSteps({ runId: run.id })).find((s) => s.stepId === "hold");
    expect(hold?.output).toEqual({
      timedOut: false,
      via: "event",
      payload: { name: "workflow/run.finished", data },
    });
    expect(hold?.simulated).toMatchObject({ branch: "event", payload: { data } });

    // No data: the catalog's example, with the person's own id.
    const example = await testRoute.POST(post({ waits: { hold: "event" } }), id);
    expect(example.status).toBe(201);
    const exampleRun = (await example.json()).run;
    expect(exampleRun.test.events.hold).toMatchObject({
      name: "workflow/run.finished",
      data: { status: "failed", userId: owner, error: { message: expect.any(String) } },
    });
    expect((await h.finished(exampleRun.id)).status).toBe("succeeded");

    // Refused: data for a step that is no wait.event, data that is no object, a wait sent
    // another way, a body too large.
    for (const body of [
      { eventData: { why: {} } },
      { eventData: { hold: [1] } },
      { eventData: { hold: "failed" } },
      { eventData: [1] },
      { waits: { hold: "timeout" }, eventData: { hold: {} } },
    ]) {
      const response = await testRoute.POST(post(body), id);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const huge = await testRoute.POST(
      post({ eventData: { hold: { x: "x".repeat(100_000) } } }),
      id,
    );
    expect(huge.status).toBe(413);
  });

  it("tests the approved version when asked for it", async () => {
    const d = await draft();
    await workflowQueries.approveWorkflowVersion({
      userId: h.userId,
      workflowId: d.workflowId,
      versionId: d.versionId,
    });
    session.userId = h.userId;
    const response = await testRoute.POST(
      post({ versionId: d.versionId }),
      ctx({ id: d.workflowId }),
    );
    expect(response.status).toBe(201);
    const { run } = await response.json();
    expect(run.versionId).toBe(d.versionId);
    await h.finished(run.id);
  });

  it("refuses the anonymous, another person, malformed and oversized bodies, foreign or rejected versions", async () => {
    const d = await draft();
    const id = ctx({ id: d.workflowId });

    session.userId = undefined;
    expect((await testRoute.POST(post({}), id)).status).toBe(401);

    session.userId = other;
    expect((await testRoute.POST(post({}), id)).status).toBe(404);
    session.userId = h.userId;
    expect((await testRoute.POST(post({}), ctx({ id: "not-a-uuid" }))).status).toBe(404);
    expect((await testRoute.POST(post({}), ctx({ id: crypto.randomUUID() }))).status).toBe(404);

    for (const body of [
      { waits: { ask: "maybe" } },
      { waits: ["approved"] },
      { inputs: [1] },
      { versionId: "v1" },
      { extra: true },
    ]) {
      const response = await testRoute.POST(post(body), id);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const notJson = await testRoute.POST(
      new Request("http://x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{nope",
      }),
      id,
    );
    expect(notJson.status).toBe(400);
    const wrongWait = await testRoute.POST(post({ waits: { count: "approved" } }), id);
    expect(wrongWait.status).toBe(400);
    expect((await wrongWait.json()).error.message).toMatch(/no wait step "count"/);
    const badInput = await testRoute.POST(post({ inputs: { n: "three" } }), id);
    expect(badInput.status).toBe(400);
    const payload = await testRoute.POST(post({ trigger: { body: 1 } }), id);
    expect(payload.status).toBe(400);
    expect((await payload.json()).error.message).toMatch(/starts by hand/);

    const huge = await testRoute.POST(post({ inputs: { n: "x".repeat(100_000) } }), id);
    expect(huge.status).toBe(413);

    // Another workflow's version, even of the same person, is not this workflow's.
    const elsewhere = await draft();
    const foreign = await testRoute.POST(post({ versionId: elsewhere.versionId }), id);
    expect(foreign.status).toBe(404);
    // Another person's version reads as missing too.
    const theirs = await draft(other);
    expect((await testRoute.POST(post({ versionId: theirs.versionId }), id)).status).toBe(404);

    await workflowQueries.rejectWorkflowVersion({
      userId: h.userId,
      workflowId: d.workflowId,
      versionId: d.versionId,
    });
    const rejected = await testRoute.POST(post({ versionId: d.versionId }), id);
    expect(rejected.status).toBe(409);
    expect((await rejected.json()).error.message).toMatch(/rejected/);
  });

  it("limits how many tests a person starts", async () => {
    const owner = await h.user();
    const d = await draft(owner);
    session.userId = owner;
    setRateLimits({ test: { points: 1, duration: 60 } });
    const first = await testRoute.POST(post({}), ctx({ id: d.workflowId }));
    expect(first.status).toBe(201);
    const refused = await testRoute.POST(post({}), ctx({ id: d.workflowId }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    await h.finished((await first.json()).run.id);
  });
});
