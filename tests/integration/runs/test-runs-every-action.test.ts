// The test-run contract for every action of the catalog: one plan that uses each of them (and
// every HTTP method) runs as a test through the app's own action context; the counting loopback
// fixture receives GET and HEAD and nothing else, the SMTP fixture nothing, the store stays
// unwritten, no child run starts. The reads (GET, HEAD, store.get, transform, ai.generate
// against the local model server) ran; everything else was simulated. The plan must name
// every action the registry has, so a new action cannot skip this contract.
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { resetEnvForTests } from "@/lib/env";
import { startHttpTarget } from "../../fixtures/http-target";
import { startMcpFixture } from "../../fixtures/mcp-server";
import { startOpenAIServer } from "../../fixtures/openai-server";
import { startSmtpSink } from "../../fixtures/smtp-server";
import { harnessFor } from "./harness";

const target = await startHttpTarget();
const smtp = await startSmtpSink();
const mcp = await startMcpFixture();
const model = await startOpenAIServer();
process.env.HTTP_ALLOWLIST = `127.0.0.1:${target.port},127.0.0.1:${new URL(mcp.url).port}`;
process.env.SMTP_URL = smtp.url;
process.env.SMTP_FROM = "flowchat@example.test";
process.env.OPENAI_BASE_URL = model.baseURL;
process.env.OPENAI_MODEL = "every-action";
resetEnvForTests();

const { startTestRun } = await import("@/lib/runs/test-run");
const { testReport } = await import("@/lib/runs/test-report");
const { getRunView, getRunPlan } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");
const { createMcpServer } = await import("@/lib/db/mcp-queries");
const { getStoreEntry } = await import("@/lib/db/store-queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const runQueries = await import("@/lib/db/run-queries");

describe("a test run of every action", () => {
  const h = harnessFor("pglite", { registry: () => actionRegistry, serverContext: true });

  it("sends nothing but GET and HEAD to the loopback fixture, whatever the action", async () => {
    await createMcpServer({
      userId: h.userId,
      fields: { name: "fx", transport: "http", url: mcp.url },
    });
    const child = await h.workflow({
      version: 1,
      title: "Child",
      trigger: { type: "manual" },
      steps: [{ id: "x", action: "transform", input: { value: 1 } }],
    });
    const http = (id: string, method: string) => ({
      id,
      action: "http.request",
      after: ["get"],
      input: {
        url: `${target.url}/echo/${id}`,
        method,
        ...(method === "HEAD" ? {} : { body: { id } }),
      },
    });
    const steps = [
      { id: "get", action: "http.request", input: { url: `${target.url}/json?every=1` } },
      {
        id: "head",
        action: "http.request",
        input: { url: `${target.url}/json?every=2`, method: "HEAD" },
      },
      http("post", "POST"),
      http("put", "PUT"),
      http("patch", "PATCH"),
      http("delete", "DELETE"),
      {
        id: "shape",
        action: "transform",
        after: ["get"],
        input: { value: "{{ steps.get.output.body.items }}" },
      },
      {
        id: "write",
        action: "ai.generate",
        after: ["shape"],
        input: { prompt: "Summarize {{ steps.shape.output }}" },
      },
      {
        id: "say",
        action: "chat.post",
        after: ["write"],
        input: { text: "{{ steps.write.output.text }}" },
      },
      {
        id: "mail",
        action: "email.send",
        after: ["write"],
        input: { to: "ana@example.com", subject: "S", text: "T" },
      },
      {
        id: "slack",
        action: "slack.post",
        after: ["write"],
        input: { webhook: `${target.url}/slack/every`, text: "Hi" },
      },
      {
        id: "tool",
        action: "mcp.call",
        after: ["get"],
        input: { server: "fx", tool: "echo", arguments: { text: "x" } },
      },
      { id: "save", action: "store.set", after: ["get"], input: { key: "seen", value: 2 } },
      { id: "load", action: "store.get", after: ["save"], input: { key: "seen" } },
      { id: "pause", action: "wait.delay", after: ["get"], input: { duration: "2h" } },
      { id: "until", action: "wait.until", after: ["get"], input: { at: "08:30", dayOffset: 1 } },
      {
        id: "ask",
        action: "wait.approval",
        after: ["get"],
        input: { prompt: "Go?", timeout: "1h" },
      },
      {
        id: "hold",
        action: "wait.event",
        after: ["get"],
        input: { event: "workflow/run.failed", timeout: "1h" },
      },
      { id: "sync", action: "workflow.run", after: ["get"], input: { workflow: child, input: {} } },
    ];
    // Every action of the catalog is in the plan.
    expect(new Set(steps.map((step) => step.action))).toEqual(
      new Set(actionRegistry.list().map((action) => action.id)),
    );
    const { getOrCreateThread } = await import("@/lib/db/queries");
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Every action" });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: h.userId,
      threadId,
      title: "Every action",
      plan: { version: 1, title: "Every action", trigger: { type: "manual" }, steps },
      author: "model",
    });

    const before = target.requests.length;
    const { run } = await startTestRun({
      userId: h.userId,
      workflowId: workflow.id,
      waits: { ask: "approved", hold: "event", pause: "event" },
      client: h.client,
      postCard: false,
    });
    const ended = await h.finished(run.id);
    expect(ended.status, JSON.stringify(ended.error)).toBe("succeeded");

    const seen = target.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(seen.sort()).toEqual(["GET /json", "HEAD /json"]);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.dataStarted).toBe(0);
    expect(mcp.toolCalls).toEqual([]);
    expect(await getStoreEntry({ workflowId: workflow.id, key: "seen" })).toBeUndefined();
    expect(await runQueries.listRunsForWorkflow({ workflowId: child, userId: h.userId })).toEqual(
      [],
    );

    const records = await getRunView({ userId: h.userId, runId: run.id });
    const report = testReport(
      toWireRunView({
        ...records,
        ...(await getRunPlan({ run: records.run, steps: records.steps })),
      }),
    );
    const outcomes = Object.fromEntries(report.steps.map((step) => [step.stepId, step.outcome]));
    expect(outcomes).toEqual({
      get: "ran",
      head: "ran",
      post: "simulated",
      put: "simulated",
      patch: "simulated",
      delete: "simulated",
      shape: "ran",
      write: "ran",
      say: "simulated",
      mail: "simulated",
      slack: "simulated",
      tool: "simulated",
      save: "simulated",
      load: "ran",
      pause: "simulated",
      until: "simulated",
      ask: "simulated",
      hold: "simulated",
      sync: "simulated",
    });
    // The model was asked for real (a read), with what the GET returned.
    expect(JSON.stringify(model.requests.at(-1))).toContain("sev-1");
  });
});
