// Connectors and chains: other workflows and MCP servers.
import type { WorkflowTemplate } from "../types";

/** Stands for the workflow to follow until the person names it. */
export const ANY_WORKFLOW_ID = "00000000-0000-4000-8000-000000000000";

export const chainedWorkflow: WorkflowTemplate = {
  id: "chained-workflow",
  title: "After another workflow succeeds",
  description: "Starts when one of your workflows finishes successfully, and posts what it did.",
  category: "Connectors & chains",
  keywords: [
    "chain",
    "chained",
    "finishes",
    "finished",
    "when my",
    "after my",
    "succeeds",
    "successfully",
    "another workflow",
    "other workflow",
  ],
  example: "When my incident digest finishes successfully, post a note here.",
  plan: {
    version: 1,
    title: "After the other workflow",
    summary: "When the chosen workflow's run succeeds, post a note here.",
    trigger: {
      type: "event",
      event: "workflow/run.finished",
      if: `trigger.data.workflowId = "${ANY_WORKFLOW_ID}" and trigger.data.status = "succeeded"`,
    },
    steps: [
      {
        id: "post",
        title: "Post a note",
        action: "chat.post",
        input: {
          text: "The workflow I follow finished ({{ trigger.data.status }}, run {{ trigger.data.runId }}).",
        },
      },
    ],
  },
  inputs: [
    {
      key: "workflowId",
      label: "Workflow to follow",
      description: "The id of the workflow whose successful end starts this one (listWorkflows).",
      kind: "uuid",
      at: ["trigger.if"],
      replace: ANY_WORKFLOW_ID,
      required: true,
    },
  ],
};

export const mcpToolCall: WorkflowTemplate = {
  id: "mcp-tool-call",
  title: "An MCP tool every morning",
  description: "Calls a tool on one of your MCP servers each weekday and posts what it answered.",
  category: "Connectors & chains",
  keywords: ["mcp", "tool", "tasks", "linear", "notion", "jira", "todo", "to-do", "server"],
  example: "Every weekday at 9:00, list my open tasks from my tasks MCP server here.",
  plan: {
    version: 1,
    title: "MCP tool call",
    summary: "Every weekday at 9:00, call the tool and post its answer.",
    trigger: { type: "schedule", cron: "0 9 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "call",
        title: "Call the tool",
        action: "mcp.call",
        input: { server: "tasks", tool: "list_tasks", arguments: {} },
        timeout: "30s",
        retry: { attempts: 2, backoff: "exponential" },
      },
      {
        id: "post",
        title: "Post its answer",
        action: "chat.post",
        after: ["call"],
        input: { text: "{{ steps.call.output.text ?? $string(steps.call.output.content) }}" },
      },
    ],
  },
  inputs: [
    {
      key: "server",
      label: "MCP server",
      description: "The server's name under Settings.",
      kind: "name",
      at: ["steps.call.input.server"],
      required: true,
    },
    {
      key: "tool",
      label: "Tool",
      description: "The tool to call on it.",
      kind: "name",
      at: ["steps.call.input.tool"],
      required: true,
    },
    {
      key: "time",
      label: "Time of day",
      description: "When it runs, in your time zone.",
      kind: "time",
      at: ["trigger.cron"],
      required: false,
    },
  ],
};
