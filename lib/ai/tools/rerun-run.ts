// The chat's re-run tool: "re-run yesterday's digest from where it failed". The model finds the
// run with listRuns first; the person always confirms on a card that shows the re-run's preview
// (what is reused, what runs again and what that repeats outside the run), computed by the same
// code the run card's panel asks (lib/runs/rerun.ts), and only then does this start it.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { startRerun } from "@/lib/runs/rerun";
import { toolInput } from "./tool-schema";

type Context = { userId: string; threadId: string };

export const rerunRunInputSchema = z.object({
  runId: z.string().describe("The run to re-run (its runId from listRuns or getRun)."),
  from: z
    .string()
    .optional()
    .describe(
      '"failed" (default: from the step that failed or where it stopped), "start", or a step id of the plan.',
    ),
  version: z
    .enum(["pinned", "latest"])
    .optional()
    .describe('"pinned" (default: the version the run ran) or "latest" (the latest approved one).'),
  inputs: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      "Only when the person asks for other inputs: a manual run's inputs, a webhook's body or an event's data.",
    ),
});

export function rerunRunTool({ userId, threadId }: Context) {
  return tool({
    description:
      "Re-run a run that ended (failed, cancelled or succeeded) as a new run linked to it: steps that succeeded " +
      "before the starting point reuse their recorded outputs. Find the run with listRuns first. The person " +
      "always confirms on a card that previews what runs again.",
    // Edited inputs are free-form: not strict.
    ...toolInput(rerunRunInputSchema, { strict: false }),
    execute: async ({ runId, from, version, inputs }) => {
      try {
        const { run, preview } = await startRerun({
          userId,
          runId,
          from,
          version,
          inputs,
          threadId,
          via: "chat",
        });
        const main = preview.steps.filter((step) => step.phase === "main");
        return {
          ok: true as const,
          runId: run.id,
          rerunOf: runId,
          workflowId: run.workflowId,
          status: run.status,
          fromStep: preview.fromStep,
          reused: main.filter((step) => step.fate === "reused").map((step) => step.id),
          runsAgain: main.filter((step) => step.fate !== "reused").map((step) => step.id),
        };
      } catch (error) {
        if (error instanceof AppError) return { ok: false as const, error: error.message };
        logError("[chat] rerunRun failed", error);
        return { ok: false as const, error: "That did not work because of a server error." };
      }
    },
  });
}
