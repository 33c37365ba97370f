// Once a minute: start the runs of schedule-triggered workflows whose cron (or one-shot time)
// fired in the minute that just ended — and, after downtime, the latest fire time each one missed (late). Each
// start is its own step, so a crash mid-tick resumes where it stopped; the watermark moves on
// only after every start.
import "server-only";
import type { Inngest } from "inngest";
import { advanceScheduleWatermark, getScheduleWatermark } from "@/lib/db/schedule-queries";
import { runsDueAtTick, startScheduledRun, tickMinute } from "@/lib/runs/schedules";
import { functionMiddleware } from "../middleware/safe-errors";

export function createScheduleTick({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: "schedule-tick",
      name: "Start scheduled runs",
      triggers: [{ cron: "* * * * *" }],
      middleware: functionMiddleware,
    },
    async ({ event, step }) => {
      const { at, runs } = await step.run("find-due", async () => {
        // The tick's own time (memoized with the result), rounded to its minute.
        const at = tickMinute(event.ts ?? Date.now()).getTime();
        return { at, runs: await runsDueAtTick(new Date(at), await getScheduleWatermark()) };
      });
      for (const run of runs) {
        await step.run(`start-${run.workflowId}-${run.at}`, () => startScheduledRun(run, client));
      }
      await step.run("advance", () => advanceScheduleWatermark({ at: new Date(at) }));
      return { started: runs.length, late: runs.filter((run) => run.late).length };
    },
  );
}
