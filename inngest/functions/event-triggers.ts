// Starts the workflows whose event trigger names an app event that just happened.
import "server-only";
import type { Inngest } from "inngest";
import { type AppEvent, matchEventTriggers, startTriggeredRun } from "@/lib/runs/event-triggers";
import { runFinished } from "../client";

export function createEventTriggers({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    { id: "event-triggers", name: "Start event-triggered workflows", triggers: [runFinished] },
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
      return { started: matches.length };
    },
  );
}
