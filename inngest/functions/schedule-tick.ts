// Once a minute: start the runs of schedule-triggered workflows whose cron fired in the minute
// that just ended. Each start is its own step, so a crash mid-tick resumes where it stopped.
import "server-only";
import type { Inngest } from "inngest";
import { findDueRuns, startScheduledRun } from "@/lib/runs/schedules";

const MINUTE = 60_000;

export function createScheduleTick({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    { id: "schedule-tick", name: "Start scheduled runs", triggers: [{ cron: "* * * * *" }] },
    async ({ event, step }) => {
      const due = await step.run("find-due", () => {
        // The tick's own time (memoized with the result), rounded to its minute.
        const at = Math.floor((event.ts ?? Date.now()) / MINUTE) * MINUTE;
        return findDueRuns(new Date(at - MINUTE), new Date(at));
      });
      for (const run of due) {
        await step.run(`start-${run.workflowId}-${run.at}`, () => startScheduledRun(run, client));
      }
      return { started: due.length };
    },
  );
}
