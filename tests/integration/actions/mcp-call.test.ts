// mcp.call against the fixture MCP server, over streamable HTTP on loopback and over stdio.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mcpCall } from "@/lib/actions/mcp-call";
import type { ActionServices } from "@/lib/actions/runtime/context";
import { listMcpTools, mcpClient } from "@/lib/mcp/client";
import type { McpServerConfig } from "@/lib/mcp/types";
import { createNetworkPolicy } from "@/lib/net/policy";
import { type McpFixture, startMcpFixture } from "../../fixtures/mcp-server";
import { actionError, testContext } from "./helpers";

const root = path.resolve(import.meta.dirname, "../../..");
const stdioServer: McpServerConfig = {
  name: "local",
  transport: "stdio",
  command: process.execPath,
  args: [
    path.join(root, "node_modules/tsx/dist/cli.mjs"),
    path.join(root, "tests/fixtures/mcp-server-stdio.ts"),
  ],
};

let open: McpFixture;
let guarded: McpFixture;
const TOKEN = "mcp-tok-7Hq2xLp9";

/** The fixture that wants a bearer token, with its header taken from the MCP_TOKEN secret. */
const guardedServer = (): McpServerConfig => ({
  name: "guarded",
  transport: "http",
  url: guarded.url,
  headerName: "Authorization",
  headerSecret: "MCP_TOKEN",
});

beforeAll(async () => {
  [open, guarded] = await Promise.all([startMcpFixture(), startMcpFixture({ token: TOKEN })]);
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
});

function servicesWith(
  servers: McpServerConfig[],
  extra: Partial<ActionServices> = {},
): ActionServices {
  return {
    mcpServer: async (name) => servers.find((server) => server.name === name),
    mcpClient,
    ...extra,
  };
}

type Output = { content: unknown[]; text?: string; structured?: unknown; isError?: boolean };
const call = (input: Record<string, unknown>, context: ReturnType<typeof testContext>) =>
  mcpCall.run!(input as never, context) as Promise<Output>;

describe("mcp.call over streamable HTTP", () => {
  const fixture = (): McpServerConfig => ({ name: "fixture", transport: "http", url: open.url });

  it("calls a tool and returns its content and text", async () => {
    const context = testContext({ services: servicesWith([fixture()]) });
    const result = await call(
      { server: "fixture", tool: "echo", arguments: { text: "hi" } },
      context,
    );
    expect(result).toEqual({
      content: [{ type: "text", text: "echo: hi" }],
      text: "echo: hi",
      isError: false,
    });
  });

  it("returns structured content", async () => {
    const context = testContext({ services: servicesWith([fixture()]) });
    const result = await call(
      { server: "fixture", tool: "add", arguments: { a: 2, b: 40 } },
      context,
    );
    expect(result.structured).toEqual({ sum: 42 });
  });

  it("turns a tool's isError into a clear error that is not retried", async () => {
    const context = testContext({ services: servicesWith([fixture()]) });
    const error = await actionError(call({ server: "fixture", tool: "fail" }, context));
    expect(error.message).toBe("fixture.fail reported an error: Calendar API quota exceeded");
    expect(error.code).toBe("tool_error");
    expect(error.retriable).toBe(false);
  });

  it("reports an unknown tool", async () => {
    const context = testContext({ services: servicesWith([fixture()]) });
    const error = await actionError(call({ server: "fixture", tool: "nope" }, context));
    expect(error.message).toMatch(/nope/);
    expect(error.message).toMatch(/not found/i);
    expect(error.retriable).toBe(false);
  });

  it("sends the auth header from a secret and keeps the value out of the output", async () => {
    const server = guardedServer();
    const context = testContext({
      services: servicesWith([server]),
      secrets: { MCP_TOKEN: `Bearer ${TOKEN}` },
    });
    const result = await call({ server: "guarded", tool: "whoami" }, context);
    expect(guarded.authorizations.at(-1)).toBe(`Bearer ${TOKEN}`);
    expect(result.text).toBe("[secret:MCP_TOKEN]");
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("fails clearly when the header's secret is missing, or the server says 401", async () => {
    const server = guardedServer();
    const missing = await actionError(
      call(
        { server: "guarded", tool: "whoami" },
        testContext({ services: servicesWith([server]) }),
      ),
    );
    expect(missing.message).toBe(
      "MCP server guarded sends the secret MCP_TOKEN, which does not exist; add it in Settings",
    );
    expect(missing.retriable).toBe(false);
    const wrong = await actionError(
      call(
        { server: "guarded", tool: "whoami" },
        testContext({
          services: servicesWith([server]),
          secrets: { MCP_TOKEN: "Bearer wrong-token" },
        }),
      ),
    );
    expect(wrong.message).toMatch(/^MCP server guarded answered HTTP 401/);
    expect(wrong.retriable).toBe(false);
  });

  it("says when the person has no server by that name", async () => {
    const error = await actionError(
      call({ server: "calendar", tool: "x" }, testContext({ services: servicesWith([]) })),
    );
    expect(error.message).toBe(
      'mcp.call: you have no MCP server named "calendar"; add it in Settings',
    );
  });

  it("puts the server URL through the SSRF guard", async () => {
    const context = testContext({ allow: [], services: servicesWith([fixture()]) });
    const error = await actionError(
      call({ server: "fixture", tool: "echo", arguments: { text: "x" } }, context),
    );
    expect(error.code).toBe("refused");
    expect(error.message).toContain("loopback (127.0.0.0/8) addresses are not allowed");
  });

  it("reports a server that is down as retriable", async () => {
    const gone = await startMcpFixture();
    await gone.close();
    const context = testContext({
      services: servicesWith([{ name: "gone", transport: "http", url: gone.url }]),
    });
    const error = await actionError(call({ server: "gone", tool: "echo" }, context));
    expect(error.message).toMatch(
      /^MCP server gone: Could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
    );
    expect(error.retriable).toBe(true);
  });

  it("lists the tools with their input schemas", async () => {
    const tools = await listMcpTools(fixture(), {
      secret: () => undefined,
      network: createNetworkPolicy({ allow: ["127.0.0.1"] }),
      allowStdio: false,
    });
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "add",
      "echo",
      "fail",
      "slow",
      "whoami",
    ]);
    expect(tools.find((tool) => tool.name === "add")).toMatchObject({
      description: "Adds two numbers",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    });
  });
});

describe("mcp.call over stdio", () => {
  it("runs the command when the operator allows it", async () => {
    const context = testContext({ services: servicesWith([stdioServer], { mcpAllowStdio: true }) });
    const result = await call({ server: "local", tool: "add", arguments: { a: 1, b: 2 } }, context);
    expect(result.structured).toEqual({ sum: 3 });
    const failed = await actionError(
      call({ server: "local", tool: "fail", arguments: { reason: "no" } }, context),
    );
    expect(failed.message).toBe("local.fail reported an error: no");
  });

  it("refuses to start a command otherwise", async () => {
    const context = testContext({ services: servicesWith([stdioServer]) });
    const error = await actionError(call({ server: "local", tool: "add" }, context));
    expect(error.message).toBe(
      "MCP server local runs a local command, and this server does not allow that (the operator can set MCP_ALLOW_STDIO=1)",
    );
    expect(error.retriable).toBe(false);
  });

  it("reports a command that does not exist", async () => {
    const context = testContext({
      services: servicesWith(
        [{ name: "bad", transport: "stdio", command: "/nonexistent/mcp", args: [] }],
        {
          mcpAllowStdio: true,
        },
      ),
    });
    const error = await actionError(call({ server: "bad", tool: "x" }, context));
    expect(error.message).toMatch(/^MCP server bad failed: .*ENOENT/);
  });
});
