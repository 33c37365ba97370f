// Reacts to an app event that just happened (lib/plan/events.ts lists them): starts the workflows whose event trigger names
// it, and ends the armed wait.event steps that listen for it.
import "server-only";
import type { Inngest } from "inngest";
import { type AppEvent, matchEventTriggers, startTriggeredRun } from "@/lib/runs/event-triggers";
import { matchEventWaits, signalEventWait } from "@/lib/runs/event-waits";
import { messagePosted, runFailed, runFinished } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";

export function createEventTriggers({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: "event-triggers",
      name: "React to app events",
      triggers: [runFinished, runFailed, messagePosted],
      middleware: functionMiddleware,
    },
    async ({ event, step }) => {
      const appEvent: AppEvent = {
        id: event.id ?? `${event.name}:${JSON.stringify(event.data)}`,
        name: event.name,
        at: new Date(event.ts ?? 0).toISOString(),
        data: event.data as AppEvent["data"],
      };
      const matches = await step.run("match", () => matchEventTriggers(appEvent));
      for (const match of matches) {
        await step.run(`start-${match.workflowId}`, () =>
          startTriggeredRun(match, appEvent, client),
        );
      }
      const waits = await step.run("match-waits", () => matchEventWaits(appEvent));
      for (const wait of waits) {
        await step.run(`signal-${wait.runId}-${wait.stepId}`, () =>
          signalEventWait(wait, appEvent, client),
        );
      }
      return { started: matches.length, signaled: waits.length };
    },
  );
}
