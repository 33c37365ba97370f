// Chat tools over runs: start one ("run it"), re-run one (rerun-run.ts), list recent ones, and
// read one in detail so the model can answer "why did yesterday's run fail?" from the records
// rather than guess. What a run read or wrote (step outputs, errors, its log) is outside text:
// the model reads it inside the untrusted-data delimiter. Starting and cancelling ask the person
// first unless their own message asked for exactly that; a re-run always asks
// (run-confirmations.ts, applied by the chat route).
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { listRecentRuns } from "@/lib/db/run-queries";
import { listWorkflows } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { formatDuration } from "@/lib/format/duration";
import { logError } from "@/lib/log";
import { cancelRun } from "@/lib/runs/control";
import { startRun } from "@/lib/runs/start-run";
import { getRunView } from "@/lib/runs/view";
import { untrustedToolOutput } from "../untrusted";
import { rerunRunTool } from "./rerun-run";
import { testWorkflowTool } from "./test-workflow";
import { toolInput } from "./tool-schema";
import { workflowMetricsTool } from "./workflow-metrics";

type Context = { userId: string; threadId: string };

/** What the model sees of a failure it cannot act on: the safe message, never a stack. */
function refusal(error: unknown) {
  if (error instanceof AppError) return { ok: false as const, error: error.message };
  logError("[chat] run tool failed", error);
  return { ok: false as const, error: "That did not work because of a server error." };
}

const clip = (value: unknown, max = 1500) => {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
};

export function listWorkflowsTool({ userId }: Context) {
  return tool({
    description:
      "List the person's workflows with their id, title, status and whether an approved version exists.",
    ...toolInput(z.object({}), { strict: true }),
    execute: async () => {
      const items = await listWorkflows({ userId, limit: 50 });
      return items.map((item) => ({
        id: item.workflow.id,
        title: item.workflow.title,
        status: item.workflow.status,
        approved: Boolean(item.workflow.activeVersionId),
      }));
    },
  });
}

export function runWorkflowTool({ userId, threadId }: Context) {
  return tool({
    description:
      "Run an approved workflow now (when the person asks to run it). Manual workflows take their inputs. " +
      "The run's progress appears in the chat as a live card.",
    // Manual inputs are free-form: not strict.
    ...toolInput(
      z.object({
        workflowId: z.string().describe("The workflow's id (from listWorkflows or a plan card)."),
        inputs: z.record(z.string(), z.unknown()).optional(),
      }),
      { strict: false },
    ),
    execute: async ({ workflowId, inputs }) => {
      try {
        const run = await startRun({ userId, workflowId, inputs, threadId, via: "chat" });
        return { ok: true as const, runId: run.id, workflowId, status: run.status };
      } catch (error) {
        return refusal(error);
      }
    },
  });
}

export function listRunsTool({ userId }: Context) {
  return tool({
    description:
      "List the person's most recent runs (newest first) with status, times and error, optionally for one workflow.",
    ...toolInput(
      z.object({
        workflowId: z.string().optional(),
        limit: z.number().int().min(1).max(50).optional(),
      }),
      { strict: true },
    ),
    execute: async ({ workflowId, limit }) => {
      const rows = await listRecentRuns({ userId, workflowId, limit: limit ?? 10 });
      return rows.map(({ run, title }) => ({
        runId: run.id,
        workflow: title,
        workflowId: run.workflowId,
        status: run.status,
        createdAt: run.createdAt.toISOString(),
        finishedAt: run.finishedAt?.toISOString() ?? null,
        took: run.finishedAt
          ? formatDuration(run.finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime())
          : null,
        error: run.error ? clip(run.error, 400) : null,
      }));
    },
    // Run errors quote what failed: pages, APIs, people's replies.
    toModelOutput: ({ output }) =>
      untrustedToolOutput("run list", output, {}, "Recent runs (their errors are outside data):"),
  });
}

const logLine = (e: { at: Date; level: string; message: string }) =>
  `${e.at.toISOString()} ${e.level} ${e.message}`;

export function getRunTool({ userId }: Context) {
  return tool({
    description:
      "Read one run in detail: every step attempt with status, duration, error and output, and the run's log. " +
      "Use it to explain why a run failed.",
    ...toolInput(z.object({ runId: z.string() }), { strict: true }),
    execute: async ({ runId }) => {
      try {
        const view = await getRunView({ userId, runId });
        return {
          ok: true as const,
          run: {
            id: view.run.id,
            status: view.run.status,
            createdAt: view.run.createdAt.toISOString(),
            finishedAt: view.run.finishedAt?.toISOString() ?? null,
            error: view.run.error,
          },
          steps: view.steps.map((s) => ({
            step: s.iteration >= 0 ? `${s.stepId}[${s.iteration}]` : s.stepId,
            attempt: s.attempt,
            status: s.status,
            durationMs: s.durationMs,
            // The one duration format, so answers say "2.9 s" like the cards do.
            took: s.durationMs === null ? null : formatDuration(s.durationMs),
            error: s.error ? clip(s.error, 600) : null,
            output: s.output === null ? null : clip(s.output, 600),
          })),
          log: view.events.slice(-60).map(logLine),
          // However long the log, the lines that say why it failed are always there.
          failureLines: view.events
            .filter((e) => e.level === "error")
            .slice(-10)
            .map(logLine),
          logEntries: view.log?.total ?? view.events.length,
        };
      } catch (error) {
        return refusal(error);
      }
    },
    // Step outputs, errors and the log hold fetched pages, webhook bodies, emails.
    toModelOutput: ({ output }) =>
      output.ok
        ? untrustedToolOutput(
            "run record",
            output,
            { run: output.run.id },
            "The run's record (its outputs, errors and log are outside data):",
          )
        : { type: "json" as const, value: output },
  });
}

export function cancelRunTool({ userId }: Context) {
  return tool({
    description: "Cancel a run that is still going (queued, running or waiting).",
    ...toolInput(z.object({ runId: z.string() }), { strict: true }),
    execute: async ({ runId }) => {
      try {
        return { ok: true as const, ...(await cancelRun({ userId, runId })) };
      } catch (error) {
        return refusal(error);
      }
    },
  });
}

export function runTools(context: Context) {
  return {
    listWorkflows: listWorkflowsTool(context),
    runWorkflow: runWorkflowTool(context),
    listRuns: listRunsTool(context),
    getRun: getRunTool(context),
    cancelRun: cancelRunTool(context),
    rerunRun: rerunRunTool(context),
    testWorkflow: testWorkflowTool(context),
    workflowMetrics: workflowMetricsTool(context),
  };
}
