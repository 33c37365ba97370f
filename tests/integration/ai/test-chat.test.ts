// "Try it first" from the chat, end to end: the real chat route, the real `@ai-sdk/openai`
// provider against the local OpenAI-compatible server with scripted replies, the real engine.
// The model calls testWorkflow on a draft: no confirmation card (nothing is sent), the test runs
// with the chosen wait branch, nothing side-effecting runs, and the model reads the result as
// outside data. The test's card is the tool's part in the reply, not a second message.
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/lib/ai/types";
import { type OpenAIServer, startOpenAIServer, text, toolCall } from "../../fixtures/openai-server";
import { freePort } from "../engine/processes";
import { harnessFor, plan, pointAppClientAtHarness } from "../runs/harness";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const server: OpenAIServer = await startOpenAIServer();
const port = await freePort();
process.env.OPENAI_BASE_URL = server.baseURL;
process.env.OPENAI_MODEL = "test-chat";
pointAppClientAtHarness(port);

const route = await import("@/app/api/chat/route");
const queries = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const runQueries = await import("@/lib/db/run-queries");

type Chunk = { type: string; [key: string]: unknown };

async function say(threadId: string, words: string) {
  const response = await route.POST(
    new Request("http://app.test/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        trigger: "submit-message",
        id: threadId,
        message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: words }] },
      }),
    }),
  );
  expect(response.status).toBe(200);
  const raw = await response.text();
  return raw
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as Chunk);
}

describe("testing a plan from the chat", () => {
  const h = harnessFor("pglite", { port });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    session.userId = h.userId;
  });

  it("tests a draft without asking, sends nothing, and reads the result as outside data", async () => {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Try it" });
    const key = `chat-test-${crypto.randomUUID()}`;
    const { workflow } = await workflowQueries.createWorkflow({
      userId: h.userId,
      threadId,
      title: "Release notes",
      plan: plan(
        [
          { id: "draft", action: "transform", input: { value: "v1.2 is out" } },
          {
            id: "ask",
            action: "wait.approval",
            after: ["draft"],
            input: { prompt: "Ship?", timeout: "1d" },
          },
          {
            id: "send",
            title: "Send it",
            action: "test.count",
            after: ["ask"],
            if: "steps.ask.output.approved",
            input: { key },
          },
        ],
        { title: "Release notes" },
      ),
      author: "model",
    });
    server.script(
      toolCall("testWorkflow", { workflowId: workflow.id, waits: { ask: "approved" } }),
      text("The test passed: it would send the notes."),
    );

    const chunks = await say(threadId, "try it first, as if I approved");

    // No confirmation: a test sends nothing.
    expect(chunks.find((c) => c.type === "tool-approval-request")).toBeUndefined();
    const output = chunks.find((c) => c.type === "tool-output-available")?.output as {
      ok: boolean;
      runId: string;
      status: string;
      steps: { step: string; outcome: string; wouldSend?: { summary: string }[] }[];
    };
    expect(output).toMatchObject({ ok: true, status: "succeeded" });
    expect(output.steps.map((s) => [s.step, s.outcome])).toEqual([
      ["draft", "ran"],
      ["ask", "simulated"],
      ["send", "simulated"],
    ]);
    expect(h.effects.counts.has(key)).toBe(false);
    expect([...h.effects.counts.keys()].some((k) => k.includes(output.runId))).toBe(false);
    const run = await runQueries.getRunById({ runId: output.runId });
    expect(run?.test).toEqual({ waits: { ask: "approved" } });

    // The model read the result inside the outside-data delimiter.
    const toolMessage = server.requests.at(-1)?.messages.find((m) => m.role === "tool");
    expect(toolMessage?.role === "tool" && toolMessage.text).toContain(
      '<untrusted-data source="test run"',
    );

    // The test's card is the tool part of the reply; the thread holds no second card.
    const rows = await queries.getMessages({ threadId });
    const parts = rows.flatMap((row) => row.parts as ChatMessage["parts"]);
    expect(parts.some((p) => p.type === "tool-testWorkflow")).toBe(true);
    expect(parts.some((p) => p.type === "data-run")).toBe(false);
  });

  it("tests a wait.event with the event data the model gives", async () => {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Try it" });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: h.userId,
      threadId,
      title: "After a failure",
      plan: plan([
        {
          id: "hold",
          action: "wait.event",
          input: { event: "workflow/run.failed", timeout: "1h" },
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
    const data = { status: "failed", error: { step: "sync", message: "token expired" } };
    server.script(
      toolCall("testWorkflow", { workflowId: workflow.id, eventData: { hold: data } }),
      text("It would note why."),
    );
    const chunks = await say(threadId, "try it as if the sync failed");
    const output = chunks.find((c) => c.type === "tool-output-available")?.output as {
      ok: boolean;
      runId: string;
      steps: { step: string; outcome: string; output?: string }[];
    };
    expect(output).toMatchObject({ ok: true, status: "succeeded" });
    expect(output.steps).toContainEqual(
      expect.objectContaining({ step: "why", outcome: "ran", output: "token expired" }),
    );
    const run = await runQueries.getRunById({ runId: output.runId });
    expect(run?.test).toEqual({
      waits: { hold: "event" },
      events: { hold: { name: "workflow/run.failed", data } },
    });
  });

  it("answers at once when the test waits for the person at a wait it asks about", async () => {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Try it" });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: h.userId,
      threadId,
      title: "Ask me",
      plan: plan([{ id: "ask", action: "wait.approval", input: { prompt: "Go?", timeout: "1h" } }]),
      author: "model",
    });
    server.script(
      toolCall("testWorkflow", { workflowId: workflow.id, waits: { ask: "ask" } }),
      text("The test waits for you on its card."),
    );
    const started = Date.now();
    const chunks = await say(threadId, "test it, I'll choose when it gets there");
    // Well before the tool's 20 s wait for an end: the test waits for the person, not the model.
    expect(Date.now() - started).toBeLessThan(15_000);
    const output = chunks.find((c) => c.type === "tool-output-available")?.output as {
      ok: boolean;
      runId: string;
      status: string;
      note?: string;
      steps: { step: string; outcome: string }[];
    };
    expect(output).toMatchObject({ ok: true, status: "running" });
    expect(output.steps).toEqual([expect.objectContaining({ step: "ask", outcome: "waiting" })]);
    expect(output.note).toMatch(/test's card/);
    expect((await runQueries.getRunById({ runId: output.runId }))?.test).toEqual({
      waits: { ask: "ask" },
    });
    const { cancelRun } = await import("@/lib/runs/control");
    await cancelRun({ userId: h.userId, runId: output.runId });
  });

  it("starts the person's workflow listening for thread/message.posted when they write", async () => {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Chat" });
    const listening = await h.workflow(
      plan([{ id: "heard", action: "transform", input: { value: "{{ trigger.data.text }}" } }], {
        trigger: {
          type: "event",
          event: "thread/message.posted",
          if: '$contains(trigger.data.text, "#todo")',
        },
      }),
    );
    server.script(text("Noted."));
    await say(threadId, "buy milk #todo");
    const started = await h.waitFor(async () => {
      const rows = await runQueries.listRecentRuns({ userId: h.userId, workflowId: listening });
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the listening workflow to start");
    const ended = await h.finished(started.id);
    expect(ended.output).toBe("buy milk #todo");
    expect(ended.trigger).toMatchObject({
      name: "thread/message.posted",
      data: { threadId, text: "buy milk #todo", userId: h.userId },
    });
  });

  it("says why when a test cannot start", async () => {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Try it" });
    server.script(
      toolCall("testWorkflow", { workflowId: crypto.randomUUID() }),
      text("I could not find it."),
    );
    const chunks = await say(threadId, "test my digest");
    const output = chunks.find((c) => c.type === "tool-output-available")?.output;
    expect(output).toEqual({ ok: false, error: "This workflow does not exist or is not yours." });
  });
});
