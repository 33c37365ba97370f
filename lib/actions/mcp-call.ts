// mcp.call: a tool on one of the person's MCP servers, through the MCP client the app injects
// (`services.mcpClient`); lib/mcp's errors become action errors here.
import { z } from "zod";
import { McpError } from "@/lib/mcp/errors";
import { type ActionContext, defineAction, withRun, withSimulation } from "./define-action";
import { deadlineSignal } from "./runtime/context";
import { ActionError, NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { jsonObject } from "./shared-schemas";

const runMcpCall = withRun(
  defineAction({
    id: "mcp.call",
    title: "Call an MCP tool",
    description:
      "Call a tool on one of the person's configured MCP servers (mail, calendar, tasks, documents, GitHub…).",
    kind: "task",
    sideEffects: true,
    input: z.strictObject({
      server: z.string().min(1).describe("configured server name"),
      tool: z.string().min(1),
      arguments: jsonObject.optional(),
    }),
    output: z.object({
      content: z.unknown(),
      text: z.string().optional().describe("the text blocks of content, joined"),
      structured: z.unknown().optional(),
      isError: z.boolean().optional(),
    }),
    describe: (input) => `call ${String(input.server ?? "?")}.${String(input.tool ?? "?")}`,
    // A tool may do anything: it counts as writing (a test still runs the ones its server
    // marks read-only, see below).
    effect: () => ({ class: "writes", kind: "mcp", does: "calls the MCP tool" }),
    example: {
      server: "calendar",
      tool: "list_events",
      arguments: { from: "{{ $startOfLocalDay() }}", to: "{{ $startOfLocalDay(now, 1) }}" },
    },
  }),
  async (input, context) => {
    const config = await serverConfig(input.server, context);
    const client = requireService(context, "mcpClient", "mcp.call");
    const result = await client
      .callTool(config, input.tool, input.arguments ?? {}, {
        secret: (name) => context.secrets.get(name),
        network: context.network,
        allowStdio: context.services.mcpAllowStdio ?? false,
        signal: deadlineSignal(context, 60_000),
        timeoutMs: context.timeoutMs,
      })
      .catch((error: unknown) => {
        throw error instanceof McpError ? actionErrorFrom(error) : error;
      });
    const text = contentText(result.content);
    // A tool that reports isError failed at its own job (bad arguments, quota, not found):
    // the step fails with the tool's words. Calling again with the same input rarely helps,
    // so it is not retried; plans can use onError: continue to carry on.
    if (result.isError) {
      throw new NonRetriableActionError(
        `${input.server}.${input.tool} reported an error: ${(text || JSON.stringify(result.content)).slice(0, 300)}`,
        { code: "tool_error" },
      );
    }
    return {
      content: result.content,
      text,
      ...(result.structured !== undefined ? { structured: result.structured } : {}),
      isError: false,
    };
  },
);

async function serverConfig(name: string, context: ActionContext) {
  const lookup = requireService(context, "mcpServer", "mcp.call");
  const config = await lookup(name);
  if (!config) {
    throw new NonRetriableActionError(
      `mcp.call: you have no MCP server named "${name}"; add it in Settings`,
      { code: "not_found" },
    );
  }
  return config;
}

/**
 * A test run's tool call: a tool its server marks read-only (`readOnlyHint`) runs for real;
 * any other is described, not called. Asking the server for its tools is the one request a
 * simulated call makes (MCP's tools/list only reads); if the server cannot say, the call is
 * simulated.
 */
export const mcpCall = withSimulation(runMcpCall, async (input, context) => {
  const config = await serverConfig(input.server, context);
  const client = requireService(context, "mcpClient", "mcp.call");
  let readOnly = false;
  let unknown = false;
  if (client.listTools) {
    try {
      const tools = await client.listTools(config, {
        secret: (name) => context.secrets.get(name),
        network: context.network,
        allowStdio: context.services.mcpAllowStdio ?? false,
        signal: deadlineSignal(context, 30_000),
        timeoutMs: context.timeoutMs,
      });
      readOnly = tools.some((tool) => tool.name === input.tool && tool.readOnly === true);
    } catch {
      unknown = true;
    }
  }
  if (readOnly) return null;
  return {
    wouldSend: {
      kind: "mcp",
      summary: `call ${input.server}.${input.tool}${unknown ? " (the server could not say whether the tool only reads)" : ""}`,
      server: input.server,
      tool: input.tool,
      payload: input.arguments ?? {},
    },
    output: { content: [], text: "", isError: false },
  };
});

/** lib/mcp's error as the action error a run records (same message, code mapped). */
function actionErrorFrom(error: McpError): ActionError {
  switch (error.code) {
    case "not_configured":
      return new NonRetriableActionError(error.message, { code: "not_configured" });
    case "rejected":
      return new NonRetriableActionError(error.message, { code: "upstream" });
    case "http_status":
      return new ActionError(error.message, {
        code: "upstream",
        status: error.status,
        retriable: error.retriable,
      });
    default:
      return new ActionError(error.message, { code: error.code, retriable: error.retriable });
  }
}

/** The text blocks of a tool result, joined. */
function contentText(content: unknown[]): string {
  return content
    .filter((block): block is { type: "text"; text: string } => {
      const b = block as { type?: unknown; text?: unknown };
      return b.type === "text" && typeof b.text === "string";
    })
    .map((block) => block.text)
    .join("\n");
}
