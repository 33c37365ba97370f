// The demo model end to end, as `npm run demo` uses it: the real chat route and `@ai-sdk/openai`
// provider against lib/demo-model's server (chat completions and the Responses API, streamed,
// with tool calls), the embedded engine running what it plans with the app's real actions
// against the demo's own sample data. A request becomes a plan card; "run it", "make it 8:00",
// "why did it fail?", the gallery and a template filled in with the person all do what they say;
// what it does not understand gets an honest answer.
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { DEMO_MODEL_ID, demoReply } from "@/lib/demo-model/demo";
import { sampleRoutes } from "@/lib/demo-model/samples";
import { startOpenAIServer } from "@/lib/demo-model/server";
import { resetEnvForTests } from "@/lib/env";
import { freePort } from "../engine/processes";
import { harnessFor, pointAppClientAtHarness } from "../runs/harness";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const server = await startOpenAIServer({
  defaultReply: demoReply,
  routes: sampleRoutes(),
  models: [DEMO_MODEL_ID],
});
const port = await freePort();
process.env.OPENAI_BASE_URL = server.baseURL;
process.env.OPENAI_MODEL = DEMO_MODEL_ID;
// The runs read the demo's sample data on loopback; 127.0.0.1:9 refuses (nothing listens).
process.env.HTTP_ALLOWLIST = `127.0.0.1:${server.port},127.0.0.1:9`;
pointAppClientAtHarness(port);

const route = await import("@/app/api/chat/route");
const queries = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");

type Chunk = { type: string; [key: string]: unknown };

async function chat(body: unknown) {
  const response = await route.POST(
    new Request("http://app.test/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  expect(response.status).toBe(200);
  const raw = await response.text();
  return raw
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as Chunk);
}

const say = (threadId: string, words: string) =>
  chat({
    trigger: "submit-message",
    id: threadId,
    timezone: "Europe/Berlin",
    message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: words }] },
  });

const textOf = (chunks: Chunk[]) =>
  chunks
    .filter((c) => c.type === "text-delta")
    .map((c) => c.delta)
    .join("");

const outputOf = (chunks: Chunk[], toolName: string) => {
  const ids = new Set(
    chunks
      .filter((c) => c.type === "tool-input-available" && c.toolName === toolName)
      .map((c) => c.toolCallId),
  );
  return chunks.find((c) => c.type === "tool-output-available" && ids.has(c.toolCallId))?.output as
    | Record<string, unknown>
    | undefined;
};
const inputOf = (chunks: Chunk[], toolName: string) =>
  chunks.find((c) => c.type === "tool-input-available" && c.toolName === toolName)?.input as
    | Record<string, unknown>
    | undefined;

afterAll(async () => {
  await server.close();
});

describe.each([
  ["pglite", "chat"],
  ["postgres", "responses"],
] as const)("the demo model on %s over the %s API", (driver, api) => {
  const h = harnessFor(driver, { port, registry: () => actionRegistry, serverContext: true });
  beforeEach(() => {
    process.env.OPENAI_API = api;
    resetEnvForTests();
    server.requests.length = 0;
    session.userId = h.userId;
  });

  async function newThread() {
    const threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Demo" });
    return threadId;
  }

  async function approveLatest(workflowId: string) {
    const latest = await workflowQueries.getLatestVersion({ workflowId, userId: h.userId });
    await workflowQueries.approveWorkflowVersion({
      userId: h.userId,
      workflowId,
      versionId: latest!.id,
    });
  }

  async function postsOf(threadId: string) {
    return (await queries.getMessages({ threadId }))
      .filter((m) => (m.metadata as { postedBy?: string } | null)?.postedBy === "workflow")
      .flatMap((m) => (m.parts as Array<{ type: string; text?: string }>).map((p) => p.text ?? ""))
      .join("\n");
  }

  it("plans an example request from a template, runs it on sample data, retimes it", async () => {
    const threadId = await newThread();
    const asked = await say(
      threadId,
      "Every weekday at 7:30, fetch my team's open incidents, summarize them and post the summary here.",
    );
    expect(inputOf(asked, "useTemplate")).toEqual({
      id: "incident-digest",
      values: { incidentsUrl: `${server.url}/demo/incidents`, time: "07:30" },
    });
    const saved = outputOf(asked, "proposeWorkflow");
    expect(saved).toMatchObject({ ok: true, title: "Incident digest", version: 1 });
    expect(textOf(asked)).toContain('I saved "Incident digest" as version 1');
    expect(textOf(asked)).toContain(`${server.url}/demo/incidents`);
    const requestsSeen = server.requests.filter((r) => r.tools.length > 0);
    expect(
      requestsSeen.every((r) => r.api === (api === "chat" ? "chat.completions" : "responses")),
    ).toBe(true);
    expect(requestsSeen.every((r) => r.stream)).toBe(true);

    const workflowId = String(saved?.workflowId);
    const v1 = await workflowQueries.getLatestVersion({ workflowId, userId: h.userId });
    expect(v1?.plan).toMatchObject({
      trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "Europe/Berlin" },
      steps: [{ id: "fetch", input: { url: `${server.url}/demo/incidents` } }, {}, {}, {}],
    });

    await approveLatest(workflowId);
    const ran = await say(threadId, "run it");
    const started = outputOf(ran, "runWorkflow");
    expect(started).toMatchObject({ ok: true, workflowId });
    expect(textOf(ran)).toContain("Started");
    const run = await h.finished(String(started?.runId));
    expect(run.status).toBe("succeeded");
    const posts = await postsOf(threadId);
    expect(posts).toContain("**Open incidents**");
    expect(posts).toContain("**sev-1** Checkout API returns 502 for card payments");
    expect(posts).toContain("**Sev-1 open:** Checkout API returns 502 for card payments");
    // The summary came from the demo model too, as a plain (not streamed) generation.
    expect(server.requests.some((r) => r.tools.length === 0 && !r.stream)).toBe(true);

    const retimed = await say(threadId, "make it 8:00");
    expect(outputOf(retimed, "reviseWorkflow")).toMatchObject({ ok: true, version: 2 });
    const v2 = await workflowQueries.getLatestVersion({ workflowId, userId: h.userId });
    expect(v2?.plan).toMatchObject({
      trigger: { cron: "0 8 * * 1-5", timezone: "Europe/Berlin" },
      summary: expect.stringContaining("at 8:00"),
    });
    expect(v2?.note).toBe("Runs at 08:00 instead");
  });

  it("explains why a run failed from its record", async () => {
    const threadId = await newThread();
    const asked = await say(
      threadId,
      "Call http://127.0.0.1:9/sync, retry a few times if it fails, and tell me here if it still fails.",
    );
    const saved = outputOf(asked, "proposeWorkflow");
    expect(saved).toMatchObject({ ok: true, title: "Call with retries" });
    const workflowId = String(saved?.workflowId);
    await approveLatest(workflowId);
    const ran = await say(threadId, "run it");
    const run = await h.finished(String(outputOf(ran, "runWorkflow")?.runId), 60_000);
    expect(run.status).toBe("failed");
    expect(await postsOf(threadId)).toContain("**It still failed** at step call");

    const why = await say(threadId, "why did it fail?");
    expect(inputOf(why, "listRuns")).toEqual({ workflowId, limit: 10 });
    expect(inputOf(why, "getRun")).toEqual({ runId: run.id });
    const answer = textOf(why);
    expect(answer).toContain("The run failed at step `call` (attempt 3");
    expect(answer).toMatch(/> .*127\.0\.0\.1:9/);
  }, 90_000);

  it("shows the gallery, then fills a chosen template in, asking only for what is missing", async () => {
    const threadId = await newThread();
    const gallery = await say(threadId, "show me templates");
    const listed = outputOf(gallery, "listTemplates") as { templates: unknown[]; total: number };
    expect(listed.templates.length).toBe(listed.total);
    expect(listed.total).toBeGreaterThanOrEqual(15);
    expect(textOf(gallery)).toContain("Use this template");

    const chosen = await say(threadId, "Use the template reminder");
    expect(outputOf(chosen, "useTemplate")).toMatchObject({
      ok: true,
      missing: [{ key: "message", label: "What to remind you of" }],
    });
    expect(outputOf(chosen, "proposeWorkflow")).toBeUndefined();
    expect(textOf(chosen)).toContain("**What to remind you of**");

    const answered = await say(threadId, "Stand up and stretch");
    expect(inputOf(answered, "useTemplate")).toEqual({
      id: "reminder",
      values: { message: "Stand up and stretch" },
    });
    const saved = outputOf(answered, "proposeWorkflow");
    expect(saved).toMatchObject({ ok: true, title: "Reminder" });
    const plan = (
      await workflowQueries.getLatestVersion({
        workflowId: String(saved?.workflowId),
        userId: h.userId,
      })
    )?.plan as { steps: Array<{ input: { text: string } }> };
    expect(plan.steps[0].input.text).toBe("**Reminder:** Stand up and stretch");
  });

  it("says honestly what it is when it does not understand", async () => {
    const threadId = await newThread();
    const reply = textOf(await say(threadId, "What is the capital of France?"));
    expect(reply).toContain('You said: "What is the capital of France?"');
    expect(reply).toContain("demo model");
    expect(reply).toContain("OPENAI_API_KEY");
    expect(await workflowQueries.listWorkflows({ userId: h.userId, threadId })).toEqual([]);
  });
});
