// A run's time limit (plan `limits.timeout`): the interpreter announces the deadline when the
// run is let go (run-limits.ts `limits:deadline`); this sleeps until it and, if the run is
// still going, stops it as failed: "Run exceeded its 10 min time limit". The engine run ends
// through the cancel event (cancelOn), units in flight stop as on a cancel
// (lib/runs/cancel-watch.ts). A run that ended first makes the wake-up a no-op; one that
// succeeded or failed cancels this function early (cancelOn `workflow/run.finished`).
import "server-only";
import type { Inngest } from "inngest";
import { getRunById } from "@/lib/db/run-queries";
import { timeoutMessage } from "@/lib/plan/limits";
import { stopRunForLimit } from "@/lib/runs/control";
import { isTerminal } from "@/lib/runs/status";
import { runDeadlineSet, runFinished } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";

export const RUN_DEADLINE_ID = "run-deadline";

export function createRunDeadline({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: RUN_DEADLINE_ID,
      name: "Run deadline",
      triggers: [runDeadlineSet],
      middleware: functionMiddleware,
      cancelOn: [{ event: runFinished.name, match: "data.runId" }],
    },
    async ({ event, step }) => {
      const { runId, deadline, timeoutMs } = event.data as {
        runId: string;
        deadline: string;
        timeoutMs: number;
      };
      const from = await step.run("start", () => new Date().toISOString());
      // A duration from a memoized instant, whole seconds rounded up (see wait-steps.ts).
      const seconds = Math.ceil((Date.parse(deadline) - Date.parse(from)) / 1000);
      if (seconds > 0) await step.sleep("until-deadline", `${seconds}s`);
      return step.run("expire", async () => {
        const run = await getRunById({ runId });
        if (!run || isTerminal(run.status)) return { expired: false };
        const stopped = await stopRunForLimit({
          runId,
          end: { status: "failed", error: { message: timeoutMessage(timeoutMs), timedOut: true } },
        });
        return { expired: stopped.cancelled };
      });
    },
  );
}
