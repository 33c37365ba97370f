// The app events a plan may listen for (an event trigger, or a wait.event step's `event`):
// only names something in the app really emits, so a plan cannot wait for an event that never
// comes. Adding an emitter (lib/runs) means adding its entry here, with the data it carries.

export interface AppEventInfo {
  name: string;
  /** When it happens, as a person would say it. */
  description: string;
  /** The fields of `trigger.data` (or `event.data` in a wait's match), with what they hold. */
  data: Record<string, string>;
}

export const APP_EVENTS: readonly AppEventInfo[] = [
  {
    name: "workflow/run.finished",
    description: "one of your other workflows' runs ended",
    data: {
      runId: "the run that ended",
      workflowId: "its workflow",
      status: '"succeeded" or "failed"',
      error: "why it failed (when it failed)",
      userId: "you",
    },
  },
];

export function appEventNames(): string[] {
  return APP_EVENTS.map((event) => event.name);
}

export function appEvent(name: string): AppEventInfo | undefined {
  return APP_EVENTS.find((event) => event.name === name);
}

/** Why a name is refused, listing the events that exist. */
export function unknownEventMessage(name: string): string {
  const known = APP_EVENTS.map((event) => `"${event.name}" (${event.description})`).join(", ");
  return `"${name}" is not an event the app emits, so nothing would ever start or end it; events: ${known}`;
}
