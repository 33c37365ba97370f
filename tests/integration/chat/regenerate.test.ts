// Regenerate through the real chat route: it replaces the assistant's last text reply only.
// Plan cards, run cards, workflow posts and confirmations are records of the thread; they stay,
// and re-planning after a regenerate revises the workflow the message already produced.
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startOpenAIServer, text, toolCall } from "../../fixtures/openai-server";
import { fixturePlan } from "../../fixtures/plans";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const server = await startOpenAIServer();
process.env.OPENAI_BASE_URL = server.baseURL;
process.env.OPENAI_MODEL = "regenerate-test";

describe("regenerate", () => {
  queriesDatabase("pglite");
  let route: typeof import("@/app/api/chat/route");
  let q: typeof import("@/lib/db/queries");
  let wq: typeof import("@/lib/db/workflow-queries");
  let mq: typeof import("@/lib/db/message-queries");

  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    server.reset();
    route ??= await import("@/app/api/chat/route");
    q ??= await import("@/lib/db/queries");
    wq ??= await import("@/lib/db/workflow-queries");
    mq ??= await import("@/lib/db/message-queries");
    const user = await q.createUser({
      email: `${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    session.userId = user.id;
  });

  async function chat(body: Record<string, unknown>) {
    const response = await route.POST(
      new Request("http://app.test/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    const raw = await response.text();
    return { status: response.status, raw };
  }

  const say = (threadId: string, words: string) =>
    chat({
      trigger: "submit-message",
      id: threadId,
      message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: words }] },
    });

  const ids = async (threadId: string) => (await q.getMessages({ threadId })).map((m) => m.id);
  const userId = () => String(session.userId);

  /** What a run of `workflowId` posts into the thread: its card, a chat.post, its summary. */
  async function postRun(threadId: string, workflowId: string) {
    const runId = crypto.randomUUID();
    const post = (messageId: string, parts: unknown[], metadata: Record<string, unknown>) =>
      mq.postWorkflowMessage({ userId: userId(), threadId, messageId, parts, metadata });
    await post(
      `run_${runId}_card`,
      [{ type: "data-run", id: runId, data: { runId, workflowId, title: "Greeting" } }],
      { runId, workflowId },
    );
    await post(`run_${runId}_post`, [{ type: "text", text: "Hello, team!" }], {
      workflowRun: { runId, workflowId, stepId: "post" },
    });
    await post(
      `run_${runId}_summary`,
      [{ type: "text", text: "**Greeting**: the run succeeded." }],
      {
        runId,
        workflowId,
      },
    );
    return [`run_${runId}_card`, `run_${runId}_post`, `run_${runId}_summary`];
  }

  it("refuses to regenerate a run summary or a plan reply, and deletes nothing", async () => {
    const threadId = crypto.randomUUID();
    server.script(
      toolCall("proposeWorkflow", { plan: fixturePlan("greeting") }),
      text("Here it is."),
    );
    expect((await say(threadId, "Greet the team")).status).toBe(200);
    const [workflow] = await wq.listWorkflows({ userId: userId(), threadId });
    const posts = await postRun(threadId, workflow.workflow.id);
    const before = await ids(threadId);
    expect(before).toHaveLength(5);

    for (const messageId of [posts[2], posts[1], posts[0], before[1], before[0]]) {
      const refused = await chat({ trigger: "regenerate-message", id: threadId, messageId });
      expect(refused.status).toBe(400);
      expect(refused.raw).toMatch(/Only the assistant's last text reply can be regenerated/);
    }
    expect(await ids(threadId)).toEqual(before);
    expect(server.requests).toHaveLength(2);
  });

  it("replaces only the text reply: posts after it stay, and the model reads them", async () => {
    const threadId = crypto.randomUUID();
    server.script(toolCall("proposeWorkflow", { plan: fixturePlan("greeting") }), text("Saved."));
    await say(threadId, "Greet the team");
    const [workflow] = await wq.listWorkflows({ userId: userId(), threadId });
    server.script(text("It greets someone."));
    await say(threadId, "What does it do?");
    const reply = (await ids(threadId)).at(-1) as string;
    const posts = await postRun(threadId, workflow.workflow.id);

    server.script(text("It posts a greeting in this chat."));
    const again = await chat({ trigger: "regenerate-message", id: threadId, messageId: reply });

    expect(again.status).toBe(200);
    const after = await q.getMessages({ threadId });
    expect(after.map((m) => m.id)).not.toContain(reply);
    expect(after.map((m) => m.id)).toEqual(expect.arrayContaining(posts));
    expect(after).toHaveLength(7);
    const last = after.at(-1);
    expect(last?.parts).toEqual(
      expect.arrayContaining([
        { type: "text", text: "It posts a greeting in this chat.", state: "done" },
      ]),
    );
    const request = server.requests.at(-1);
    expect(request?.messages.some((m) => m.text.includes("Hello, team!"))).toBe(true);
    expect(request?.messages.some((m) => m.text.includes("It greets someone."))).toBe(false);
    // A second regenerate names the new reply; the old id is gone and refused.
    expect(
      (await chat({ trigger: "regenerate-message", id: threadId, messageId: reply })).status,
    ).toBe(400);
  });

  it("never creates a second workflow: re-planning the same message revises the first", async () => {
    const threadId = crypto.randomUUID();
    server.script(toolCall("proposeWorkflow", { plan: fixturePlan("greeting") }), text("Saved."));
    await say(threadId, "Greet the team");
    const before = await ids(threadId);

    const changed = { ...fixturePlan("greeting"), title: "Greeting, revised" };
    server.script(toolCall("proposeWorkflow", { plan: changed }), text("Planned again."));
    const again = await chat({ trigger: "regenerate-message", id: threadId });

    expect(again.status).toBe(200);
    const workflows = await wq.listWorkflows({ userId: userId(), threadId });
    expect(workflows).toHaveLength(1);
    expect(workflows[0].latest?.number).toBe(2);
    expect(workflows[0].workflow.title).toBe("Greeting, revised");
    // The first plan reply is still there; the new one came after it.
    const after = await ids(threadId);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
  });

  it("answers 404 for another person's thread", async () => {
    const threadId = crypto.randomUUID();
    server.script(text("Hi."));
    await say(threadId, "Hello");
    const reply = (await ids(threadId)).at(-1);
    const other = await q.createUser({
      email: `${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    session.userId = other.id;
    expect(
      (await chat({ trigger: "regenerate-message", id: threadId, messageId: reply })).status,
    ).toBe(404);
    expect(await ids(threadId)).toContain(reply);
  });
});
