// The app events a plan may listen for (an event trigger, or a wait.event step's `event`):
// only names something in the app really emits, so a plan cannot wait for an event that never
// comes. Adding an emitter means adding its entry here, with the data it carries and an example
// of it (what a test run's "the event arrived" uses when the person gives no data of their own).

export interface AppEventInfo {
  name: string;
  /** When it happens, as a person would say it. */
  description: string;
  /** The fields of `trigger.data` (or `event.data` in a wait's match), with what they hold. */
  data: Record<string, string>;
  /** One such event's data, every field of `data` filled (ids are placeholders). */
  example: Record<string, unknown>;
}

const EXAMPLE_USER = "00000000-0000-4000-8000-000000000001";
const EXAMPLE_RUN = "00000000-0000-4000-8000-000000000002";
const EXAMPLE_WORKFLOW = "00000000-0000-4000-8000-000000000003";
const EXAMPLE_THREAD = "00000000-0000-4000-8000-000000000004";

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
    example: {
      runId: EXAMPLE_RUN,
      workflowId: EXAMPLE_WORKFLOW,
      status: "failed",
      error: { step: "fetch", message: "HTTP 500 from https://status.example.com/api" },
      userId: EXAMPLE_USER,
    },
  },
  {
    name: "workflow/run.failed",
    description: "one of your other workflows' runs failed",
    data: {
      runId: "the run that failed",
      workflowId: "its workflow",
      status: '"failed"',
      error: "why it failed: { step, message }",
      userId: "you",
    },
    example: {
      runId: EXAMPLE_RUN,
      workflowId: EXAMPLE_WORKFLOW,
      status: "failed",
      error: { step: "fetch", message: "HTTP 500 from https://status.example.com/api" },
      userId: EXAMPLE_USER,
    },
  },
  {
    name: "thread/message.posted",
    description: "you sent a message in one of your chat threads",
    data: {
      threadId: "the thread",
      messageId: "the message",
      text: "what you wrote",
      userId: "you",
    },
    example: {
      threadId: EXAMPLE_THREAD,
      messageId: "msg-example",
      text: "remind me to call Ana",
      userId: EXAMPLE_USER,
    },
  },
];

export function appEventNames(): string[] {
  return APP_EVENTS.map((event) => event.name);
}

export function appEvent(name: string): AppEventInfo | undefined {
  return APP_EVENTS.find((event) => event.name === name);
}

/** An example of the event's data (a copy), or undefined for a name the app does not emit. */
export function exampleEventData(name: string): Record<string, unknown> | undefined {
  const event = appEvent(name);
  return event ? structuredClone(event.example) : undefined;
}

/** Why a name is refused, listing the events that exist and what to use instead. */
export function unknownEventMessage(name: string): string {
  const known = APP_EVENTS.map((event) => `"${event.name}" (${event.description})`).join(", ");
  return `"${name}" is not an event the app emits, so nothing would ever start or end it; events: ${known}. For a request from another system use a webhook trigger, or call a wait's resume URL (waits.<id>.url)`;
}
