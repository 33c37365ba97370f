// resumeWorkflow: "resume the incident digest" (and, only when the person asks, "and catch up on
// what it missed"). Resumed, its triggers start runs again; what the schedule missed while paused
// starts only with `backfill` — then the person confirms first, seeing how many runs would start
// (run-confirmations.ts), as for any tool that starts runs.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { MAX_BACKFILL, pauseStateOf, resumeWorkflow } from "@/lib/workflows/pause";
import type { PauseToolOutput } from "./run-tool-types";
import { toolInput } from "./tool-schema";

export function resumeWorkflowTool({ userId }: { userId: string }) {
  return tool({
    description:
      "Resume a paused workflow: its schedule, event trigger and webhook start runs again. " +
      `What its schedule missed while paused is NOT started, unless the person explicitly asks to catch up: then set backfill (the latest ${MAX_BACKFILL} missed fire times start; the person confirms first).`,
    ...toolInput(
      z.object({
        workflowId: z.string().describe("The workflow's id (from listWorkflows or a plan card)."),
        backfill: z.boolean().optional(),
      }),
      { strict: true },
    ),
    execute: async ({ workflowId, backfill }): Promise<PauseToolOutput> => {
      if (!z.uuid().safeParse(workflowId).success) {
        return { ok: false, error: "This workflow does not exist or is not yours." };
      }
      try {
        const resumed = await resumeWorkflow({ userId, workflowId, backfill });
        return {
          ok: true,
          workflow: pauseStateOf(resumed.workflow),
          ...(resumed.backfilled !== undefined ? { backfilled: resumed.backfilled } : {}),
        };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.message };
        logError("[chat] resumeWorkflow failed", error);
        return { ok: false, error: "That did not work because of a server error." };
      }
    },
  });
}
