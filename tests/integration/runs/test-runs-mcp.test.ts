// A test run's MCP calls, end to end: the person's MCP server (the fixture, over streamable
// HTTP on loopback) marks one tool read-only (`readOnlyHint: true`) and another not; the test
// calls the read-only one for real and only describes the others — the fixture receives no call
// for them, just the tools/list that asks which tools only read.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { resetEnvForTests } from "@/lib/env";
import { startMcpFixture } from "../../fixtures/mcp-server";
import { harnessFor } from "./harness";

const booked: unknown[] = [];
const mcp = await startMcpFixture({
  tools: (server) => {
    server.registerTool(
      "lookup",
      {
        description: "Finds a meeting",
        inputSchema: { q: z.string() },
        annotations: { readOnlyHint: true },
      },
      async ({ q }) => ({ content: [{ type: "text", text: `found: ${q}` }] }),
    );
    server.registerTool(
      "book",
      {
        description: "Books a room",
        inputSchema: { title: z.string() },
        annotations: { readOnlyHint: false },
      },
      async ({ title }) => {
        booked.push(title);
        return { content: [{ type: "text", text: `booked ${title}` }] };
      },
    );
  },
});
process.env.HTTP_ALLOWLIST = `127.0.0.1:${new URL(mcp.url).port}`;
resetEnvForTests();

const { startTestRun } = await import("@/lib/runs/test-run");
const { testReport } = await import("@/lib/runs/test-report");
const { getRunView, getRunPlan } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");
const { createMcpServer } = await import("@/lib/db/mcp-queries");
const workflowQueries = await import("@/lib/db/workflow-queries");

describe("a test run's MCP calls", () => {
  const h = harnessFor("pglite", { registry: () => actionRegistry, serverContext: true });

  it("runs a tool its server marks read-only, and only describes the others", async () => {
    await createMcpServer({
      userId: h.userId,
      fields: { name: "cal", transport: "http", url: mcp.url },
    });
    const { workflow } = await workflowQueries.createWorkflow({
      userId: h.userId,
      title: "Book the stand-up",
      plan: {
        version: 1,
        title: "Book the stand-up",
        trigger: { type: "manual" },
        steps: [
          {
            id: "find",
            action: "mcp.call",
            input: { server: "cal", tool: "lookup", arguments: { q: "stand-up" } },
          },
          {
            id: "book",
            action: "mcp.call",
            after: ["find"],
            input: {
              server: "cal",
              tool: "book",
              arguments: { title: "{{ steps.find.output.text }}" },
            },
          },
          {
            id: "say",
            action: "mcp.call",
            after: ["find"],
            input: { server: "cal", tool: "echo", arguments: { text: "booked" } },
          },
        ],
      },
      author: "model",
    });

    const { run } = await startTestRun({
      userId: h.userId,
      workflowId: workflow.id,
      client: h.client,
      postCard: false,
    });
    expect((await h.finished(run.id)).status).toBe("succeeded");

    // The server saw the read-only call and nothing else called.
    expect(mcp.toolCalls).toEqual([{ name: "lookup", arguments: { q: "stand-up" } }]);
    expect(booked).toEqual([]);
    expect(mcp.methods).toContain("tools/list");

    const records = await getRunView({ userId: h.userId, runId: run.id });
    const report = testReport(
      toWireRunView({
        ...records,
        ...(await getRunPlan({ run: records.run, steps: records.steps })),
      }),
    );
    const by = Object.fromEntries(report.steps.map((step) => [step.stepId, step]));
    expect(by.find).toMatchObject({ outcome: "ran", output: { text: "found: stand-up" } });
    expect(by.book).toMatchObject({ outcome: "simulated" });
    expect(by.book.wouldSend?.[0]).toMatchObject({
      kind: "mcp",
      server: "cal",
      tool: "book",
      summary: "call cal.book",
      payload: { title: "found: stand-up" },
    });
    // A tool without the hint is not known to only read: simulated too.
    expect(by.say).toMatchObject({ outcome: "simulated" });
    expect(by.say.wouldSend?.[0]).toMatchObject({ tool: "echo", payload: { text: "booked" } });
  });
});
