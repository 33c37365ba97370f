// pauseWorkflow: "pause the incident digest". Its schedule and event triggers stop starting runs
// and its webhook answers 409 until it is resumed (lib/workflows/pause.ts). Nothing runs, nothing
// is lost, and it is undone by resuming, so the person is not asked to confirm.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { pauseStateOf, pauseWorkflow } from "@/lib/workflows/pause";
import type { PauseToolOutput } from "./run-tool-types";
import { toolInput } from "./tool-schema";

export function pauseWorkflowTool({ userId }: { userId: string }) {
  return tool({
    description:
      "Pause an active workflow: its schedule, event trigger and webhook stop starting runs until it is resumed. " +
      "The person can still run it by hand. Use it when the person asks to pause, stop or turn off a workflow for now.",
    ...toolInput(
      z.object({
        workflowId: z.string().describe("The workflow's id (from listWorkflows or a plan card)."),
      }),
      { strict: true },
    ),
    execute: async ({ workflowId }): Promise<PauseToolOutput> => {
      if (!z.uuid().safeParse(workflowId).success) {
        return { ok: false, error: "This workflow does not exist or is not yours." };
      }
      try {
        return { ok: true, workflow: pauseStateOf(await pauseWorkflow({ userId, workflowId })) };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.message };
        logError("[chat] pauseWorkflow failed", error);
        return { ok: false, error: "That did not work because of a server error." };
      }
    },
  });
}
