// mcp.call: a tool on one of the person's MCP servers, through the MCP client the app injects
// (`services.mcpClient`); lib/mcp's errors become action errors here.
import { z } from "zod";
import { McpError } from "@/lib/mcp/errors";
import { defineAction, withRun } from "./define-action";
import { deadlineSignal } from "./runtime/context";
import { ActionError, NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { jsonObject } from "./shared-schemas";

export const mcpCall = withRun(
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
    example: {
      server: "calendar",
      tool: "list_events",
      arguments: { from: "{{ $startOfLocalDay() }}", to: "{{ $startOfLocalDay(now, 1) }}" },
    },
  }),
  async (input, context) => {
    const lookup = requireService(context, "mcpServer", "mcp.call");
    const config = await lookup(input.server);
    if (!config) {
      throw new NonRetriableActionError(
        `mcp.call: you have no MCP server named "${input.server}"; add it in Settings`,
        { code: "not_found" },
      );
    }
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
