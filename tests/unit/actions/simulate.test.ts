// Each side-effecting action's simulation: what a test run records instead of sending. No
// network anywhere: the contexts here have a network policy that refuses every destination
// and services that fail the test when they are called to do anything real.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ActionDeclaration, defineAction, withSimulation } from "@/lib/actions/define-action";
import { actionRegistry, createRegistry } from "@/lib/actions/registry";
import {
  type ActionServices,
  type CreateActionContextOptions,
  createActionContext,
} from "@/lib/actions/runtime/context";
import { ActionError } from "@/lib/actions/runtime/errors";
import { createNetworkPolicy } from "@/lib/net/policy";

const SECRET = "sk-live-4242424242";

const forbidden = (what: string) => () => {
  throw new Error(`a simulation must not ${what}`);
};

/** Services that throw when anything real is done with them. */
const noRealWork: ActionServices = {
  postMessage: forbidden("post a message"),
  store: { get: forbidden("read the store"), set: forbidden("write the store") },
  mcpClient: { callTool: forbidden("call an MCP tool") },
  languageModel: forbidden("call the model"),
};

function context(options: Partial<CreateActionContextOptions> = {}) {
  return createActionContext({
    runId: "run-1",
    workflowId: "wf-1",
    userId: "user-1",
    stepId: "s",
    threadId: "thread-1",
    secrets: { TOKEN: SECRET, SLACK_WEBHOOK: "https://hooks.slack.test/services/T0/B0/XYZ" },
    // Every destination refused: a simulation that tried the network would fail.
    network: createNetworkPolicy({ allow: [], resolve: forbidden("resolve a name") as never }),
    ...options,
    services: { ...noRealWork, ...options.services },
  });
}

function action(id: string): ActionDeclaration {
  const found = actionRegistry.get(id);
  if (!found?.simulate) throw new Error(`${id} has no simulation`);
  return found;
}

async function simulate(id: string, input: Record<string, unknown>, ctx = context()) {
  return action(id).simulate?.(input as never, ctx);
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error("expected the simulation to fail");
}

describe("simulated side effects", () => {
  it("every action that is not read-only has a simulation", () => {
    for (const declared of actionRegistry.list()) {
      if (declared.sideEffects && declared.kind !== "wait") {
        expect(declared.simulate, declared.id).toBeTypeOf("function");
      }
    }
  });

  it("describes an HTTP POST with its URL, headers and body, secrets redacted", async () => {
    const result = await simulate("http.request", {
      url: "https://api.example.test/orders",
      method: "POST",
      query: { dry: "no" },
      headers: { Authorization: `Bearer ${SECRET}` },
      body: { sku: "A-1", qty: 2 },
    });
    expect(result).toEqual({
      wouldSend: {
        kind: "http",
        summary: "POST https://api.example.test/orders",
        method: "POST",
        url: "https://api.example.test/orders?dry=no",
        headers: expect.objectContaining({
          Authorization: "Bearer [secret:TOKEN]",
          "content-type": "application/json",
        }),
        payload: { sku: "A-1", qty: 2 },
      },
      output: { status: 200, headers: {}, body: null },
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("leaves GET and HEAD to run for real", async () => {
    expect(await simulate("http.request", { url: "https://x.test/a" })).toBeNull();
    expect(await simulate("http.request", { url: "https://x.test/a", method: "HEAD" })).toBeNull();
  });

  it("fails a simulated request the real one would refuse (its input)", async () => {
    const error = await failure(simulate("http.request", { url: "ftp://x.test", method: "PUT" }));
    expect(error.code).toBe("invalid_input");
  });

  it("describes an email with sender, recipients, subject and body", async () => {
    const ctx = context({ services: { smtp: { host: "smtp.example.test", from: "bot@x.test" } } });
    const result = await simulate(
      "email.send",
      { to: ["ana@example.com"], cc: ["bo@example.com"], subject: "Sev-1", text: "Down." },
      ctx,
    );
    expect(result).toEqual({
      wouldSend: {
        kind: "email",
        summary: 'email to ana@example.com: "Sev-1"',
        from: "bot@x.test",
        to: ["ana@example.com"],
        cc: ["bo@example.com"],
        subject: "Sev-1",
        body: "Down.",
      },
      output: { messageId: "<test-run-not-sent@flowchat>" },
    });
  });

  it("fails a simulated email when email is not set up, as the send would", async () => {
    const error = await failure(
      simulate("email.send", { to: "a@example.com", subject: "s", text: "t" }),
    );
    expect(error.code).toBe("not_configured");
    expect(error.message).toMatch(/email is not set up/);
  });

  it("describes a Slack post by the webhook's origin only (its URL is the credential)", async () => {
    const result = await simulate("slack.post", {
      webhook: "https://hooks.slack.test/services/T0/B0/XYZ",
      text: "New signup: ana@example.com",
      blocks: [{ type: "section" }],
    });
    expect(result?.wouldSend).toEqual({
      kind: "slack",
      summary: 'Slack message: "New signup: ana@example.com"',
      url: "https://hooks.slack.test",
      body: "New signup: ana@example.com",
      payload: [{ type: "section" }],
    });
    expect(result?.output).toEqual({ ok: true });
  });

  it("describes a chat post with its text, secrets redacted, and posts nothing", async () => {
    const result = await simulate("chat.post", { text: `Token is ${SECRET}` });
    expect(result?.wouldSend).toMatchObject({ kind: "chat", body: "Token is [secret:TOKEN]" });
    expect(result?.output).toEqual({ messageId: "test-run-not-posted" });
  });

  it("fails a simulated chat post without a thread, as the post would", async () => {
    const error = await failure(simulate("chat.post", { text: "x" }, context({ threadId: "" })));
    expect(error.code).toBe("not_configured");
  });

  it("describes a store write and leaves the store alone", async () => {
    const result = await simulate("store.set", { key: "seen", value: [1, 2], ttl: "1d" });
    expect(result).toEqual({
      wouldSend: {
        kind: "store",
        summary: 'save "seen" to the store for 1d',
        key: "seen",
        payload: [1, 2],
        ttl: "1d",
      },
      output: { ok: true },
    });
  });

  it("fails a simulated store write over the value limit", async () => {
    const error = await failure(simulate("store.set", { key: "k", value: "x".repeat(70_000) }));
    expect(error.code).toBe("limit");
  });

  it("describes a child workflow it would start, and starts nothing", async () => {
    const ctx = context({
      services: {
        workflow: async (id) =>
          id === "wf-2" ? { id, title: "Warehouse sync", runnable: true } : undefined,
      },
    });
    const result = await simulate("workflow.run", { workflow: "wf-2", input: { day: 1 } }, ctx);
    expect(result).toEqual({
      wouldSend: {
        kind: "workflow",
        summary: 'start "Warehouse sync"',
        workflow: { id: "wf-2", title: "Warehouse sync" },
        payload: { day: 1 },
      },
      output: { runId: "test-run-not-started", status: "succeeded", output: null },
    });
    expect((await failure(simulate("workflow.run", { workflow: "nope" }, ctx))).code).toBe(
      "not_found",
    );
  });

  it("fails a simulated child workflow that has nothing approved to run", async () => {
    const ctx = context({
      services: { workflow: async (id) => ({ id, title: "Draft", runnable: false }) },
    });
    const error = await failure(simulate("workflow.run", { workflow: "wf-3" }, ctx));
    expect(error.message).toMatch(/no approved version/);
  });

  it("runs an MCP tool its server marks read-only, and describes any other", async () => {
    const listed: string[] = [];
    const ctx = context({
      services: {
        mcpServer: async (name) => ({ name, transport: "http", url: "https://mcp.example.test" }),
        mcpClient: {
          callTool: forbidden("call the tool"),
          listTools: async (server) => {
            listed.push(server.name);
            return [
              { name: "list_events", inputSchema: {}, readOnly: true },
              { name: "create_event", inputSchema: {} },
            ];
          },
        },
      },
    });
    expect(await simulate("mcp.call", { server: "cal", tool: "list_events" }, ctx)).toBeNull();
    const result = await simulate(
      "mcp.call",
      { server: "cal", tool: "create_event", arguments: { title: "Sync" } },
      ctx,
    );
    expect(result?.wouldSend).toEqual({
      kind: "mcp",
      summary: "call cal.create_event",
      server: "cal",
      tool: "create_event",
      payload: { title: "Sync" },
    });
    expect(listed).toEqual(["cal", "cal"]);
  });

  it("simulates an MCP call when the server cannot say what the tool does", async () => {
    const ctx = context({
      services: {
        mcpServer: async (name) => ({ name, transport: "http", url: "https://mcp.example.test" }),
        mcpClient: {
          callTool: forbidden("call the tool"),
          listTools: async () => {
            throw new Error("unreachable");
          },
        },
      },
    });
    const result = await simulate("mcp.call", { server: "cal", tool: "list_events" }, ctx);
    expect(result?.wouldSend.summary).toMatch(/could not say whether the tool only reads/);
  });

  it("a registry checks a simulation attached by hand like withSimulation's", async () => {
    const declaration = defineAction({
      id: "test.send",
      title: "Send",
      description: "Sends",
      kind: "task",
      sideEffects: true,
      input: z.strictObject({ to: z.string() }),
      output: z.object({ id: z.string() }),
      example: { to: "x" },
    });
    const registry = createRegistry([
      {
        ...declaration,
        simulate: async (input: { to: string }) => ({
          wouldSend: { kind: "other", summary: `send to ${input.to} with ${SECRET}` },
          output: { id: 42 },
        }),
      } as ActionDeclaration,
    ]);
    const [byHand] = registry.list();
    expect((await failure(byHand.simulate!({ to: 1 } as never, context()))).code).toBe(
      "invalid_input",
    );
    expect((await failure(byHand.simulate!({ to: "a" } as never, context()))).code).toBe(
      "invalid_output",
    );
    const checked = await withSimulation(declaration, async (input) => ({
      wouldSend: { kind: "other", summary: `to ${input.to} ${SECRET}` },
      output: { id: "ok" },
    })).simulate!({ to: "a" }, context());
    expect(checked?.wouldSend.summary).toBe("to a [secret:TOKEN]");
  });
});
