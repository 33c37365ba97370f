// What runs post into their thread: each message marked as its workflow's (title, run time),
// a run's messages together and in plan order whatever order its branches finished in, and
// the workflow's notify setting deciding what unattended runs add.
import { describe, expect, it } from "vitest";
import type { RunData } from "@/lib/ai/types";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const plan = {
  version: 1,
  title: "Weekday incident digest",
  trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "Europe/Berlin" },
  steps: [
    { id: "fetch", action: "transform", input: { value: 1 } },
    { id: "slow", action: "chat.post", after: ["fetch"], input: { text: "first" } },
    { id: "fast", action: "chat.post", after: ["fetch"], input: { text: "second" } },
  ],
};

describe.each(drivers)("run posts in the thread on %s", (driver) => {
  queriesDatabase(driver);

  async function setup(notify?: "always" | "failures") {
    const q = await import("@/lib/db/queries");
    const wq = await import("@/lib/db/workflow-queries");
    const user = await q.createUser({
      email: `${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    const threadId = crypto.randomUUID();
    await q.getOrCreateThread({ id: threadId, userId: user.id, title: "Digest" });
    const { workflow, version } = await wq.createWorkflow({
      userId: user.id,
      threadId,
      title: plan.title,
      plan,
      author: "model",
    });
    await wq.approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    if (notify) await wq.setWorkflowNotify({ id: workflow.id, userId: user.id, notify });
    return { userId: user.id, threadId, workflowId: workflow.id, versionId: version.id };
  }

  async function run(
    ctx: Awaited<ReturnType<typeof setup>>,
    trigger: unknown = { type: "schedule", scheduledAt: new Date().toISOString() },
  ) {
    const rq = await import("@/lib/db/run-queries");
    return rq.createRun({ ...ctx, trigger });
  }

  const thread = async (threadId: string) =>
    (await (await import("@/lib/db/queries")).getMessages({ threadId })).map((m) => ({
      id: m.id,
      parts: m.parts as { type: string; text?: string; data?: RunData }[],
      metadata: m.metadata as Record<string, unknown>,
    }));

  it("keeps a run's posts together in plan order, headed by the workflow, the summary last", async () => {
    const ctx = await setup("always");
    const { postFromRun, postRunCard, postRunSummary } = await import("@/lib/runs/thread-messages");
    const rq = await import("@/lib/db/run-queries");
    const first = await run(ctx);
    await postRunCard({ run: first, title: plan.title });
    // The person says something while the run goes on; a second run starts meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await (await import("@/lib/db/queries")).saveMessages({
      threadId: ctx.threadId,
      items: [{ id: "person-1", role: "user", parts: [{ type: "text", text: "hi" }] }],
    });
    const second = await run(ctx);
    const post = (runId: string, stepId: string, text: string) =>
      postFromRun({
        userId: ctx.userId,
        threadId: ctx.threadId,
        messageId: `run_${runId}_${stepId}`,
        text,
        source: { runId, workflowId: ctx.workflowId, stepId },
      });
    // Branches finish in the opposite order of the plan, and the runs interleave.
    await post(first.id, "fast", "second");
    await post(second.id, "fast", "second of run 2");
    await post(first.id, "slow", "first");
    await rq.finishRun({ runId: first.id, status: "succeeded" });
    await postRunSummary({ runId: first.id });

    const messages = await thread(ctx.threadId);
    expect(messages.map((m) => m.id)).toEqual([
      `run_${first.id}_card`,
      `run_${first.id}_slow`,
      `run_${first.id}_fast`,
      `run_${first.id}_summary`,
      "person-1",
      `run_${second.id}_fast`,
    ]);
    for (const message of messages.filter((m) => m.id.startsWith(`run_${first.id}`))) {
      expect(message.metadata).toMatchObject({
        postedBy: "workflow",
        workflowTitle: plan.title,
        runAt: first.createdAt.toISOString(),
      });
    }
    // The card keeps the outcome, so an old card renders without reading the run.
    const card = messages[0].parts[0].data;
    expect(card?.outcome).toMatchObject({ status: "succeeded" });
  });

  it("adds only what a successful scheduled run posts when set to failures (the default)", async () => {
    const ctx = await setup();
    const { postFromRun, postRunCard, postRunSummary } = await import("@/lib/runs/thread-messages");
    const rq = await import("@/lib/db/run-queries");
    const ok = await run(ctx);
    expect(await postRunCard({ run: ok, title: plan.title })).toBeUndefined();
    await postFromRun({
      userId: ctx.userId,
      threadId: ctx.threadId,
      messageId: `run_${ok.id}_slow`,
      text: "Nothing open.",
      source: { runId: ok.id, workflowId: ctx.workflowId, stepId: "slow" },
    });
    await rq.finishRun({ runId: ok.id, status: "succeeded" });
    await postRunSummary({ runId: ok.id });
    expect((await thread(ctx.threadId)).map((m) => m.id)).toEqual([`run_${ok.id}_slow`]);

    // A failure always shows: its card (at the run's place) and its summary.
    const bad = await run(ctx);
    expect(await postRunCard({ run: bad, title: plan.title })).toBeUndefined();
    await rq.finishRun({
      runId: bad.id,
      status: "failed",
      error: { step: "fetch", message: "HTTP 503 from the status API" },
    });
    await postRunSummary({ runId: bad.id });
    const messages = await thread(ctx.threadId);
    expect(messages.map((m) => m.id)).toEqual([
      `run_${ok.id}_slow`,
      `run_${bad.id}_card`,
      `run_${bad.id}_summary`,
    ]);
    expect(messages[1].parts[0].data?.outcome).toMatchObject({
      status: "failed",
      failedStep: "fetch",
      error: "HTTP 503 from the status API",
    });
    expect(messages[2].parts[0].text).toMatch(/failed at step `fetch`/);
  });

  it("shows every run when set to always, and always for runs a person started", async () => {
    const ctx = await setup("always");
    const { postRunCard } = await import("@/lib/runs/thread-messages");
    const scheduled = await run(ctx);
    expect(await postRunCard({ run: scheduled, title: plan.title })).toBeDefined();

    const quiet = await setup("failures");
    const manual = await run(quiet, { type: "manual", inputs: {} });
    expect(await postRunCard({ run: manual, title: plan.title })).toBeDefined();
    const event = await run(quiet, { type: "event", name: "workflow/run.finished", data: {} });
    expect(await postRunCard({ run: event, title: plan.title })).toBeUndefined();
  });

  it("changes the setting by chat, for the owner only", async () => {
    const ctx = await setup();
    const { setWorkflowNotifyTool } = await import("@/lib/ai/tools/set-workflow-notify");
    const call = (userId: string, input: unknown) =>
      (setWorkflowNotifyTool({ userId }).execute as (i: unknown, o: unknown) => Promise<unknown>)(
        input,
        { toolCallId: "t", messages: [] },
      );
    expect(await call(ctx.userId, { workflowId: ctx.workflowId, notify: "always" })).toMatchObject({
      ok: true,
      notify: "always",
      title: plan.title,
    });
    const other = await setup();
    expect(await call(other.userId, { workflowId: ctx.workflowId, notify: "failures" })).toEqual({
      ok: false,
      error: "This workflow does not exist or is not yours.",
    });
    const wq = await import("@/lib/db/workflow-queries");
    expect((await wq.getWorkflow({ id: ctx.workflowId, userId: ctx.userId }))?.notify).toBe(
      "always",
    );
  });
});
