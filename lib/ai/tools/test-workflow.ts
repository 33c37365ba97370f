// The chat's "try it first": testWorkflow runs a plan once as a test (lib/runs/test-run.ts) and
// shows its card in the reply. No confirmation card: a test sends nothing (emails, posts,
// writes, child workflows are only simulated); it does make the plan's real reads (GET
// requests, the model) with the person's secrets, like the plan the person is looking at would,
// and the prompt tells the model to test only when the person asks. It waits a little for the
// test to end so the model can say what it found; what the reads returned is outside data.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { getRunById, listRunEvents } from "@/lib/db/run-queries";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { WAIT_CHOICES } from "@/lib/plan/effects";
import { isTerminal } from "@/lib/runs/status";
import { type TestReport, testReport } from "@/lib/runs/test-report";
import { startTestRun } from "@/lib/runs/test-run";
import { askedWaits } from "@/lib/runs/test-waits";
import { getRunPlan, getRunView } from "@/lib/runs/view";
import { toWireRunView } from "@/lib/runs/wire";
import { untrustedToolOutput } from "../untrusted";
import { toolInput } from "./tool-schema";

type Context = { userId: string; threadId: string };

/** How long the tool waits for the test to end before answering that it is still going. */
const WAIT_MS = 20_000;

const clip = (value: unknown, max = 400) => {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
};

/** The report as the model reads it: each step's outcome and a short what/why. */
function forModel(report: TestReport) {
  return report.steps.map((step) => ({
    step: step.stepId,
    title: step.label,
    outcome: step.outcome,
    ...(step.wouldSend
      ? {
          wouldSend: step.wouldSend.map((send) => ({
            ...send,
            body: send.body && clip(send.body),
          })),
        }
      : {}),
    ...(step.output !== undefined ? { output: clip(step.output) } : {}),
    ...(step.reason ? { reason: step.reason } : {}),
    ...(step.error ? { error: step.error } : {}),
  }));
}

/**
 * The test's report once it ended, or once it waits at a wait it asks the person about (they
 * pick on its card: the model cannot); undefined while it is still going after WAIT_MS.
 */
async function endedReport(userId: string, runId: string): Promise<TestReport | undefined> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const run = await getRunById({ runId });
    const asking = run?.status === "waiting" && askedWaits(run.test).length > 0;
    if (run && (isTerminal(run.status) || asking)) {
      const records = await getRunView({ userId, runId });
      const events = await listRunEvents({ runId, limit: 10_000 });
      const plan = await getRunPlan({ run: records.run, steps: records.steps });
      return testReport(toWireRunView({ ...records, events, ...plan }));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return undefined;
}

export function testWorkflowTool({ userId, threadId }: Context) {
  return tool({
    description:
      'Test a workflow\'s plan once now ("try it first", "test it"): a draft or the approved version, on real inputs and secrets, with every side effect simulated (nothing is emailed, posted, written or started; GET requests and AI steps run for real). ' +
      "Waits do not wait: each goes the way `waits` says (approved, rejected, timeout, event), default timeout; " +
      '"ask" pauses the test at that wait until the person picks its way on the test\'s card (only when they ask to choose during the test). ' +
      "The test's card shows in the chat; the answer lists each step as ran, simulated (with what it would send), skipped or not reached.",
    // Inputs and a trigger payload are free-form: not strict.
    ...toolInput(
      z.object({
        workflowId: z.string().describe("The workflow's id (from listWorkflows or a plan card)."),
        versionId: z
          .string()
          .optional()
          .describe("A version to test; default the newest draft or approved one."),
        inputs: z.record(z.string(), z.unknown()).optional().describe("A manual plan's inputs."),
        trigger: z
          .unknown()
          .optional()
          .describe("A webhook plan's request body or an event plan's data."),
        waits: z
          .record(z.string(), z.enum(WAIT_CHOICES))
          .optional()
          .describe(
            'Which way each wait step goes, by step id; default timeout; "ask": the person picks on the card when the test gets there.',
          ),
        eventData: z
          .record(z.string(), z.unknown())
          .optional()
          .describe(
            'What arrives at a wait.event step that goes "event", by step id: the event\'s data (default: an example of that event).',
          ),
      }),
      { strict: false },
    ),
    execute: async ({ workflowId, versionId, inputs, trigger, waits, eventData }) => {
      try {
        const { run } = await startTestRun({
          userId,
          workflowId,
          versionId,
          inputs,
          trigger,
          waits,
          eventData,
          threadId,
          postCard: false,
        });
        const report = await endedReport(userId, run.id);
        return {
          ok: true as const,
          runId: run.id,
          workflowId,
          status: report?.status ?? ("running" as const),
          steps: report ? forModel(report) : [],
          ...(report?.status === "running" && report.steps.some((s) => s.outcome === "waiting")
            ? {
                note: "The test waits for the person: they pick the way of each waiting step on the test's card.",
              }
            : {}),
        };
      } catch (error) {
        if (error instanceof AppError) return { ok: false as const, error: error.message };
        logError("[chat] testWorkflow failed", error);
        return { ok: false as const, error: "The test could not start because of a server error." };
      }
    },
    // What the reads returned (pages, API answers) is outside text.
    toModelOutput: ({ output }) =>
      output.ok
        ? untrustedToolOutput(
            "test run",
            output,
            { run: output.runId },
            "The test's result (what its steps read and would send is outside data):",
          )
        : { type: "json" as const, value: output },
  });
}
