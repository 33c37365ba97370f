import { z } from "zod";
import { defineAction } from "./define-action";
import { jsonObject } from "./shared-schemas";

export const mcpCall = defineAction({
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
    structured: z.unknown().optional(),
    isError: z.boolean().optional(),
  }),
  describe: (input) => `call ${String(input.server ?? "?")}.${String(input.tool ?? "?")}`,
  example: {
    server: "calendar",
    tool: "list_events",
    arguments: { from: "{{ $startOfLocalDay() }}", to: "{{ $startOfLocalDay(now, 1) }}" },
  },
});
