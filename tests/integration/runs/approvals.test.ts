// Answering an approval from the thread (the run card's buttons, POST /api/runs/:id/waits/:step)
// and from the chat (the answerApproval tool): the same single-use rule as the resume link —
// the first decision counts, a second is a 409 that says when and how the first was made.
import { describe, expect, it, vi } from "vitest";
import { getRunById, getWaitSignal } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes } from "./run-routes";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();
const { waitRoute } = await loadRunRoutes();
const { answerApprovalTool } = await import("@/lib/ai/tools/answer-approval");
const { getOrCreateThread } = await import("@/lib/db/queries");
const { buildTimeline } = await import("@/lib/runs/timeline");
const { getRunPlan, getRunView } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");

const decide = (body: string, runId: string, stepId = "ask") =>
  waitRoute.POST(
    new Request("http://app.test/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
    ctx({ id: runId, stepId }),
  );

type Execute = (input: unknown, options: unknown) => Promise<Record<string, unknown>>;
const callTool = (tool: ReturnType<typeof answerApprovalTool>, input: unknown) =>
  (tool.execute as unknown as Execute)(input, { toolCallId: "t", messages: [] });

describe.each(drivers)("answering approvals from the thread and the chat on %s", (driver) => {
  const h = harnessFor(driver, { port });

  const approvalPlan = (title: string) =>
    plan(
      [
        {
          id: "ask",
          action: "wait.approval",
          title: "Ship it?",
          input: { prompt: `Ship ${title}?`, timeout: "1m" },
        },
        { id: "after", action: "transform", after: ["ask"], input: { value: "done" } },
      ],
      { title },
    );

  async function waitingRun(title = "Release train", threadId?: string, userId = h.userId) {
    const workflowId = await h.workflow(approvalPlan(title), userId);
    const { startRun } = await import("@/lib/runs/start-run");
    const run = await startRun({ userId, workflowId, threadId, client: h.client });
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to wait",
    );
    return run;
  }

  it("refuses anonymous, foreign, malformed and oversized answers, and decides nothing", async () => {
    const run = await waitingRun();
    session.userId = undefined;
    expect((await decide('{"approved":true}', run.id)).status).toBe(401);
    session.userId = await h.user();
    expect((await decide('{"approved":true}', run.id)).status).toBe(404);
    session.userId = h.userId;
    for (const body of ["", "{}", '{"approved":"yes"}', "not json"]) {
      expect((await decide(body, run.id)).status, body).toBe(400);
    }
    const big = JSON.stringify({ approved: true, comment: "x".repeat(20 * 1024) });
    expect((await decide(big, run.id)).status).toBe(413);
    expect((await decide('{"approved":true}', run.id, "after")).status).toBe(404);
    expect((await getWaitSignal({ runId: run.id, stepId: "ask" })).signaled).toBe(false);
    expect((await getRunById({ runId: run.id }))?.status).toBe("waiting");
  });

  it("decides once from the run card, and the card shows who decided and when", async () => {
    const run = await waitingRun();
    session.userId = h.userId;
    const first = await decide('{"approved":true}', run.id);
    expect(first.status).toBe(200);
    const { decidedAt } = await first.json();
    const second = await decide('{"approved":false}', run.id);
    expect(second.status).toBe(409);
    const refused = (await second.json()).error;
    expect(refused.message).toMatch(
      /^Already decided: approved at .+ \(by you from the thread\)\.$/,
    );
    expect(refused.details).toMatchObject({
      state: "decided",
      decidedAt,
      decision: { approved: true, from: "thread", byOwner: true },
    });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const records = await getRunView({ userId: h.userId, runId: run.id });
    const view = toWireRunView({ ...records, ...(await getRunPlan(records)) });
    const ask = buildTimeline(view, Date.now()).steps.find((s) => s.step.id === "ask");
    expect(ask?.decision).toEqual({ approved: true, byOwner: true, from: "thread", at: decidedAt });
    // After the run ended, the card's route still refuses, saying it was decided.
    expect((await decide('{"approved":true}', run.id)).status).toBe(409);
  });

  it("answers the only approval waiting in the thread from the chat, once", async () => {
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Releases" });
    // Another approval waits elsewhere: this thread's is the one meant.
    await waitingRun("Expense approvals");
    const run = await waitingRun("Release train", threadId);
    const tool = answerApprovalTool({ userId: h.userId, threadId });
    const answered = await callTool(tool, { approved: false, comment: "not this week" });
    expect(answered).toMatchObject({
      ok: true,
      runId: run.id,
      stepId: "ask",
      workflow: "Release train",
      approved: false,
    });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const again = await callTool(tool, { approved: true, runId: run.id, stepId: "ask" });
    expect(again).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Already decided: rejected at .+ \(by you in the chat\)/),
    });
    const signal = await getWaitSignal({ runId: run.id, stepId: "ask" });
    expect(signal.payload).toMatchObject({
      via: "approval",
      data: { approved: false, from: "chat", comment: "not this week", by: h.userId },
    });
  });

  it("answers nothing when several approvals could be meant, and lists them so the model asks", async () => {
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Many" });
    const one = await waitingRun("Release train", threadId);
    const two = await waitingRun("Expense approvals", threadId);
    const tool = answerApprovalTool({ userId: h.userId, threadId });
    const listed = await callTool(tool, { approved: true });
    expect(listed).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ask the person which/),
    });
    expect((listed.waiting as { runId: string }[]).map((w) => w.runId).sort()).toEqual(
      [one.id, two.id].sort(),
    );
    for (const run of [one, two]) {
      expect((await getWaitSignal({ runId: run.id, stepId: "ask" })).signaled).toBe(false);
    }
    // Another person's approvals are not theirs to answer, nor listed.
    const stranger = answerApprovalTool({ userId: await h.user(), threadId });
    expect(await callTool(stranger, { approved: true })).toMatchObject({ ok: false });
    expect(
      await callTool(stranger, { approved: true, runId: one.id, stepId: "ask" }),
    ).toMatchObject({ ok: false });
    expect((await getWaitSignal({ runId: one.id, stepId: "ask" })).signaled).toBe(false);
  });
});
