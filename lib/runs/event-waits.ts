// wait.event steps that name an app event: when that event happens (today: a run finished),
// every armed wait of the same person listening for it, whose `match` holds, is signaled —
// through the same stored signal as a resume URL, so a wait that is mid-registration still
// gets it and a second event cannot overwrite the first.
import "server-only";
import { inngest as appClient } from "@/inngest/client";
import { listListeningWaits } from "@/lib/db/run-queries";
import { conditionHolds } from "@/lib/plan";
import { signalWait } from "./control";
import type { AppEvent } from "./event-triggers";

type Sender = Pick<typeof appClient, "send">;

export type EventWaitTarget = { runId: string; stepId: string };

/** The armed waits this event ends; a `match` that errors counts as false. */
export async function matchEventWaits(event: AppEvent): Promise<EventWaitTarget[]> {
  const waits = await listListeningWaits({ userId: event.data.userId, eventName: event.name });
  const targets: EventWaitTarget[] = [];
  for (const wait of waits) {
    // A run never waits for its own end.
    if (wait.runId === event.data.runId) continue;
    const { match, scope, timeZone } = wait.matcher;
    const withEvent = { ...scope, event: { name: event.name, data: event.data } };
    if (match && !(await conditionHolds(match, withEvent, { now: event.at, timeZone }))) continue;
    targets.push({ runId: wait.runId, stepId: wait.stepId });
  }
  return targets;
}

export async function signalEventWait(
  target: EventWaitTarget,
  event: AppEvent,
  client: Sender = appClient,
) {
  return signalWait({
    ...target,
    payload: { name: event.name, data: event.data },
    via: "event",
    client,
  });
}
