// The settings API: secrets and MCP servers per person (404 for other people's rows, JSON
// errors), "Test connection", and listUserMcpTools for the planner's catalog.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import { type McpFixture, startMcpFixture } from "../../fixtures/mcp-server";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const TOKEN = "mcp-route-tok-5521";
let fixture: McpFixture;
let alice: string;
let bob: string;
let secretsRoute: typeof import("@/app/api/secrets/route");
let secretRoute: typeof import("@/app/api/secrets/[name]/route");
let serversRoute: typeof import("@/app/api/mcp-servers/route");
let serverRoute: typeof import("@/app/api/mcp-servers/[id]/route");
let testRoute: typeof import("@/app/api/mcp-servers/[id]/test/route");
let catalog: typeof import("@/lib/mcp/catalog");
const database = queriesDatabase("pglite", {
  env: {
    SECRETS_KEY: randomBytes(32).toString("base64"),
    HTTP_ALLOWLIST: "127.0.0.1",
    MCP_ALLOW_STDIO: "",
  },
});

beforeAll(async () => {
  fixture = await startMcpFixture({ token: TOKEN });
  const rows = await database.db
    .insert(users)
    .values([{ email: "alice@example.com" }, { email: "bob@example.com" }])
    .returning();
  [alice, bob] = rows.map((row) => row.id);
  secretsRoute = await import("@/app/api/secrets/route");
  secretRoute = await import("@/app/api/secrets/[name]/route");
  serversRoute = await import("@/app/api/mcp-servers/route");
  serverRoute = await import("@/app/api/mcp-servers/[id]/route");
  testRoute = await import("@/app/api/mcp-servers/[id]/test/route");
  catalog = await import("@/lib/mcp/catalog");
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => {
  session.userId = alice;
});

const json = (body: unknown, method = "POST") =>
  new Request("http://app.test/api", {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

describe("secrets API", () => {
  it("needs a session", async () => {
    session.userId = undefined;
    const response = await secretsRoute.GET();
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized:auth");
  });

  it("adds a secret and lists its name and time, never its value", async () => {
    const created = await secretsRoute.POST(json({ name: "MCP_TOKEN", value: `Bearer ${TOKEN}` }));
    expect(created.status).toBe(201);
    const listed = await (await secretsRoute.GET()).json();
    expect(listed.secrets).toEqual([
      { name: "MCP_TOKEN", createdAt: expect.any(String), updatedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
  });

  it("replaces a value, and says 200 when posting an existing name", async () => {
    const again = await secretsRoute.POST(json({ name: "MCP_TOKEN", value: `Bearer ${TOKEN}` }));
    expect(again.status).toBe(200);
    const replaced = await secretRoute.PUT(
      json({ value: `Bearer ${TOKEN}` }, "PUT"),
      params({ name: "MCP_TOKEN" }),
    );
    expect(replaced.status).toBe(200);
    expect(JSON.stringify(await replaced.json())).not.toContain(TOKEN);
  });

  it("validates names and values with clear messages", async () => {
    const badName = await secretsRoute.POST(json({ name: "slack-hook", value: "x" }));
    expect(badName.status).toBe(400);
    expect((await badName.json()).error.message).toMatch(/capital letters/);
    const noValue = await secretsRoute.POST(json({ name: "EMPTY", value: "" }));
    expect((await noValue.json()).error.message).toBe("A secret needs a value.");
  });

  it("answers 404 for another person's secret", async () => {
    session.userId = bob;
    expect(
      (await secretRoute.PUT(json({ value: "x" }, "PUT"), params({ name: "MCP_TOKEN" }))).status,
    ).toBe(404);
    expect(
      (await secretRoute.DELETE(new Request("http://app.test"), params({ name: "MCP_TOKEN" })))
        .status,
    ).toBe(404);
    expect((await (await secretsRoute.GET()).json()).secrets).toEqual([]);
  });
});

describe("MCP servers API", () => {
  let serverId: string;

  it("adds an HTTP server whose auth header comes from a secret", async () => {
    const response = await serversRoute.POST(
      json({
        name: "fixture",
        transport: "http",
        url: fixture.url,
        headerName: "Authorization",
        headerSecret: "MCP_TOKEN",
      }),
    );
    expect(response.status).toBe(201);
    const { server } = await response.json();
    serverId = server.id;
    expect(server).toMatchObject({ name: "fixture", transport: "http", headerSecret: "MCP_TOKEN" });
  });

  it("refuses a header secret that does not exist, duplicates, and stdio when not allowed", async () => {
    const missing = await serversRoute.POST(
      json({
        name: "other",
        transport: "http",
        url: fixture.url,
        headerName: "X-Key",
        headerSecret: "NOPE",
      }),
    );
    expect((await missing.json()).error.message).toBe(
      "There is no secret named NOPE; add it first.",
    );
    const duplicate = await serversRoute.POST(
      json({ name: "fixture", transport: "http", url: fixture.url }),
    );
    expect(duplicate.status).toBe(409);
    const stdio = await serversRoute.POST(
      json({ name: "local", transport: "stdio", command: "npx", args: [] }),
    );
    expect(stdio.status).toBe(403);
    const badName = await serversRoute.POST(
      json({ name: "Bad Name", transport: "http", url: fixture.url }),
    );
    expect((await badName.json()).error.message).toMatch(/^name: Use lowercase letters/);
  });

  it("tests the connection by listing the tools", async () => {
    const response = await testRoute.POST(new Request("http://app.test"), params({ id: serverId }));
    const body = await response.json();
    expect(body.ok).toBe(true);
    expect(body.tools.map((tool: { name: string }) => tool.name).sort()).toEqual([
      "add",
      "echo",
      "fail",
      "slow",
      "whoami",
    ]);
  });

  it("lists the person's MCP tools with input schemas for the planner", async () => {
    const servers = await catalog.listUserMcpTools(alice);
    expect(servers).toHaveLength(1);
    expect(servers[0].server).toBe("fixture");
    expect(servers[0].error).toBeUndefined();
    expect(servers[0].tools.find((tool) => tool.name === "echo")).toEqual({
      name: "echo",
      description: "Echoes the text back",
      inputSchema: expect.objectContaining({
        type: "object",
        properties: { text: { type: "string" } },
      }),
    });
    expect(await catalog.listUserMcpTools(bob)).toEqual([]);
  });

  it("reports a server it cannot reach instead of failing the whole list", async () => {
    await secretRoute.PUT(json({ value: "Bearer wrong" }, "PUT"), params({ name: "MCP_TOKEN" }));
    const response = await testRoute.POST(new Request("http://app.test"), params({ id: serverId }));
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.error).toMatch(/^MCP server fixture answered HTTP 401/);
    catalog.clearMcpToolsCache();
    const [listed] = await catalog.listUserMcpTools(alice);
    expect(listed.error).toMatch(/HTTP 401/);
  });

  it("answers 404 for another person's server", async () => {
    session.userId = bob;
    expect(
      (await testRoute.POST(new Request("http://app.test"), params({ id: serverId }))).status,
    ).toBe(404);
    expect(
      (
        await serverRoute.PUT(
          json({ name: "mine", transport: "http", url: fixture.url }, "PUT"),
          params({ id: serverId }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await serverRoute.DELETE(new Request("http://app.test"), params({ id: serverId }))).status,
    ).toBe(404);
    expect((await (await serversRoute.GET()).json()).servers).toEqual([]);
  });

  it("updates and deletes the owner's server", async () => {
    const updated = await serverRoute.PUT(
      json({ name: "renamed", transport: "http", url: fixture.url }, "PUT"),
      params({ id: serverId }),
    );
    expect((await updated.json()).server).toMatchObject({ name: "renamed", headerName: null });
    expect(
      (await serverRoute.DELETE(new Request("http://app.test"), params({ id: serverId }))).status,
    ).toBe(204);
    expect((await (await serversRoute.GET()).json()).servers).toEqual([]);
  });
});
