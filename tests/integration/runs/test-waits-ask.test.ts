// Choosing during a test: a wait chosen "ask" pauses the test there (a durable wait on the
// embedded executor, through the real serve() handler), its report says it waits for the
// person, nothing else can decide it (the approval route, the chat's open waits), and
// POST /api/runs/:id/test-waits/:stepId sends it down the way picked, recorded as chosen during
// the test. Every refusal of the route: anonymous, another person, not a test, a step it does
// not ask about, a way the wait cannot go, malformed, oversized, chosen twice, too many.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const testRoute = await import("@/app/api/workflows/[id]/test/route");
const chooseRoute = await import("@/app/api/runs/[id]/test-waits/[stepId]/route");
const waitRoute = await import("@/app/api/runs/[id]/waits/[stepId]/route");
const { resetRateLimits, setRateLimits } = await import("@/lib/rate-limit");
const { getOrCreateThread } = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const runQueries = await import("@/lib/db/run-queries");
const { testReport } = await import("@/lib/runs/test-report");
const { getRunView, getRunPlan } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");

describe("choosing a wait's way during a test", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });
  afterEach(() => resetRateLimits());

  /** A draft of `owner`: count, ask for approval (1h), count again if approved; a wait.event. */
  async function draft(owner = h.userId, holdTimeout = "1h") {
    const key = `ask-${Date.now()}-${Math.random()}`;
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: owner, title: "Tests" });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: owner,
      threadId,
      title: "Asking",
      plan: plan([
        { id: "count", action: "test.count", input: { key } },
        {
          id: "ask",
          action: "wait.approval",
          after: ["count"],
          input: { prompt: "Ship it?", timeout: "1d" },
        },
        {
          id: "again",
          action: "test.count",
          after: ["ask"],
          if: "steps.ask.output.approved",
          input: { key: `${key}:again` },
        },
        {
          id: "hold",
          action: "wait.event",
          after: ["ask"],
          input: { event: "workflow/run.finished", timeout: holdTimeout },
        },
        {
          id: "why",
          action: "transform",
          after: ["hold"],
          if: "steps.hold.output.timedOut = false",
          input: { value: "{{ steps.hold.output.payload.data.status }}" },
        },
      ]),
      author: "model",
    });
    return { key, threadId, workflowId: workflow.id };
  }

  async function startTest(workflowId: string, body: unknown) {
    const response = await testRoute.POST(post(body), ctx({ id: workflowId }));
    expect(response.status).toBe(201);
    return (await response.json()).run as { id: string; test: unknown };
  }

  const choose = (runId: string, stepId: string, body: unknown) =>
    chooseRoute.POST(post(body), ctx({ id: runId, stepId }));

  async function reportOf(userId: string, runId: string) {
    const records = await getRunView({ userId, runId });
    const planView = await getRunPlan({ run: records.run, steps: records.steps });
    return testReport(toWireRunView({ ...records, ...planView }));
  }

  /** Waits until the test waits at `stepId`. */
  const waitingAt = (runId: string, stepId: string) =>
    h.waitFor(async () => {
      const steps = await runQueries.listRunSteps({ runId });
      return steps.some((s) => s.stepId === stepId && s.status === "waiting") ? true : undefined;
    }, `the test to wait at ${stepId}`);

  const stepOf = async (runId: string, stepId: string) =>
    (await runQueries.listRunSteps({ runId })).find((s) => s.stepId === stepId);

  // The second asked wait runs beside `again` (race mode): a discovery call that began before
  // its choice arrived reports the wait again as it comes back, which once paused it a second
  // time (see the executor's "resumes a wait beside a race-mode step" test).
  it("pauses at an asked wait, and goes the way picked on its card, chosen during the test", async () => {
    const d = await draft();
    session.userId = h.userId;
    const run = await startTest(d.workflowId, { waits: { ask: "ask", hold: "ask" } });
    expect(run.test).toEqual({ waits: { ask: "ask", hold: "ask" } });
    await waitingAt(run.id, "ask");
    // It really waits: still there a moment later, the run waiting too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await runQueries.getRunById({ runId: run.id }))?.status).toBe("waiting");
    const waiting = await reportOf(h.userId, run.id);
    const ask = waiting.steps.find((s) => s.stepId === "ask");
    expect(waiting.status).toBe("running");
    expect(ask).toMatchObject({
      outcome: "waiting",
      asks: { ways: ["timeout", "approved", "rejected"], prompt: "Ship it?" },
    });
    // At most an hour, though the approval's own timeout is a day.
    const until = Date.parse(ask?.asks?.until ?? "");
    expect(until - Date.now()).toBeLessThanOrEqual(60 * 60 * 1000);
    expect(until - Date.now()).toBeGreaterThan(55 * 60 * 1000);

    // Nobody else is asked: the chat's "approve it" does not see it, the run card's route and
    // resume links do not decide it.
    expect(await runQueries.listOpenWaits({ userId: h.userId })).toEqual([]);
    const approval = await waitRoute.POST(
      post({ approved: true }),
      ctx({ id: run.id, stepId: "ask" }),
    );
    expect(approval.status).toBe(409);
    expect((await approval.json()).error.message).toMatch(/test run/);
    expect((await stepOf(run.id, "ask"))?.status).toBe("waiting");

    const chosen = await choose(run.id, "ask", { branch: "approved" });
    expect(chosen.status).toBe(200);
    expect(await chosen.json()).toMatchObject({ accepted: true, branch: "approved" });
    // Once: a second choice is refused.
    const again = await choose(run.id, "ask", { branch: "rejected" });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ details: { state: "decided" } });

    // The event wait asks next: its event arrives with the data given on the card.
    await waitingAt(run.id, "hold");
    const arrived = await choose(run.id, "hold", {
      branch: "event",
      eventData: { status: "failed", runId: crypto.randomUUID() },
    });
    expect(arrived.status).toBe(200);

    // A choice that lands before the wait listens is re-sent by the relay (1 s, 3 s, 10 s, 30 s):
    // on a loaded machine that can take past the harness's default 30 s.
    const ended = await h.finished(run.id, 100_000);
    expect(ended.status).toBe("succeeded");
    expect(ended.output).toMatchObject({ why: "failed" });
    const askStep = await stepOf(run.id, "ask");
    expect(askStep?.output).toMatchObject({ approved: true, timedOut: false, by: "test" });
    expect(askStep?.simulated).toMatchObject({
      kind: "approval",
      branch: "approved",
      chosenDuringTest: true,
      summary: expect.stringContaining("approved, chosen during the test"),
    });
    const report = await reportOf(h.userId, run.id);
    const by = Object.fromEntries(report.steps.map((s) => [s.stepId, s]));
    expect(by.again).toMatchObject({ outcome: "simulated" });
    expect(by.hold.wouldSend?.[0]).toMatchObject({
      branch: "event",
      chosenDuringTest: true,
      payload: { name: "workflow/run.finished", data: { status: "failed" } },
    });
    expect(by.why).toMatchObject({ outcome: "ran", output: "failed" });
    // Simulated as usual: test.count never counted.
    expect([...h.effects.counts.keys()].filter((k) => k.includes(d.key))).toEqual([]);
  }, 150_000);

  it("times out an asked wait nobody answers, and a wait nobody chose for at once", async () => {
    const d = await draft(h.userId, "2s");
    session.userId = h.userId;
    const run = await startTest(d.workflowId, { waits: { ask: "rejected", hold: "ask" } });
    await waitingAt(run.id, "hold");
    const ended = await h.finished(run.id);
    expect(ended.status).toBe("succeeded");
    const hold = await stepOf(run.id, "hold");
    expect(hold?.output).toMatchObject({ timedOut: true });
    expect(hold?.simulated).toMatchObject({
      branch: "timeout",
      summary: expect.stringContaining("nobody chose a way during the test"),
    });
    expect(hold?.simulated).not.toHaveProperty("chosenDuringTest");
    // Too late now.
    expect((await choose(run.id, "hold", { branch: "event" })).status).toBe(409);

    // No choice at all: nothing waits, every wait times out at once.
    const started = Date.now();
    const plain = await startTest(d.workflowId, {});
    const steps = await h
      .finished(plain.id)
      .then(() => runQueries.listRunSteps({ runId: plain.id }));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(steps.find((s) => s.stepId === "ask")?.simulated).toMatchObject({ branch: "timeout" });
    expect(steps.find((s) => s.stepId === "hold")?.simulated).toMatchObject({ branch: "timeout" });
    const events = await runQueries.listRunEvents({ runId: plain.id, limit: 1000 });
    expect(events.some((e) => e.key?.endsWith(":waiting"))).toBe(false);
  });

  it("refuses the anonymous, another person, a real run, steps it does not ask about, bad ways and bodies", async () => {
    const d = await draft();
    session.userId = h.userId;
    const run = await startTest(d.workflowId, { waits: { ask: "ask" } });
    await waitingAt(run.id, "ask");

    session.userId = undefined;
    expect((await choose(run.id, "ask", { branch: "approved" })).status).toBe(401);
    session.userId = other;
    expect((await choose(run.id, "ask", { branch: "approved" })).status).toBe(404);
    session.userId = h.userId;
    expect((await choose("not-a-uuid", "ask", { branch: "approved" })).status).toBe(404);
    expect((await choose(crypto.randomUUID(), "ask", { branch: "approved" })).status).toBe(404);

    // Steps it does not ask about: one chosen before (hold times out), one that is no wait,
    // one the plan does not have.
    for (const stepId of ["hold", "count", "nope"]) {
      const response = await choose(run.id, stepId, { branch: "timeout" });
      expect(response.status, stepId).toBe(400);
      expect((await response.json()).error.message).toMatch(/does not ask about/);
    }
    // Ways the approval cannot go, and bodies that say nothing.
    for (const body of [
      { branch: "event" },
      { branch: "ask" },
      { branch: "maybe" },
      {},
      { branch: "approved", extra: 1 },
      { branch: "approved", eventData: { status: "failed" } },
      ["approved"],
    ]) {
      const response = await choose(run.id, "ask", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const notJson = await chooseRoute.POST(
      new Request("http://x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{nope",
      }),
      ctx({ id: run.id, stepId: "ask" }),
    );
    expect(notJson.status).toBe(400);
    const huge = await choose(run.id, "ask", {
      branch: "approved",
      eventData: { x: "x".repeat(100_000) },
    });
    expect(huge.status).toBe(413);
    // Still waiting after all that.
    expect((await stepOf(run.id, "ask"))?.status).toBe("waiting");

    // A real run's wait takes no test choice.
    const workflowId = await h.workflow(
      plan([{ id: "ask", action: "wait.approval", input: { prompt: "Go?", timeout: "1h" } }]),
    );
    const real = await h.start(workflowId);
    await waitingAt(real.id, "ask");
    const refused = await choose(real.id, "ask", { branch: "approved" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/not a test run/);
    expect((await stepOf(real.id, "ask"))?.status).toBe("waiting");

    // Too many choices (counted per person).
    session.userId = await h.user();
    setRateLimits({ "test-wait": { points: 1, duration: 60 } });
    expect((await choose(run.id, "ask", { branch: "approved" })).status).toBe(404);
    const limited = await choose(run.id, "ask", { branch: "approved" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeTruthy();
    resetRateLimits();
    session.userId = h.userId;

    expect((await choose(run.id, "ask", { branch: "rejected" })).status).toBe(200);
    expect((await h.finished(run.id)).status).toBe("succeeded");
    expect((await stepOf(run.id, "again"))?.status).toBe("skipped");
  });
});
