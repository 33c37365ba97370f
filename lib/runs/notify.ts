// When a run speaks in its thread. A workflow that runs every 10 minutes must not add 144 cards
// a day, so the runs nobody started by hand (a schedule, an app event) follow the workflow's
// `notify` setting; runs a person started (Run now, "run it", a re-run) always show their card, and
// webhook runs are gathered per minute (thread-batches.ts). Client-safe.
import type { Run, Workflow } from "@/lib/db/schema";

export const NOTIFY_POLICIES = [
  "always",
  "failures",
] as const satisfies readonly Workflow["notify"][];
export type NotifyPolicy = (typeof NOTIFY_POLICIES)[number];
export const DEFAULT_NOTIFY: NotifyPolicy = "failures";

/** The setting in words, for the card, the page and the chat. */
export const NOTIFY_LABELS: Record<NotifyPolicy, string> = {
  always: "Every run: its card, its posts and a summary",
  failures: "Only failures: a successful run adds just what it posts",
};

export function isNotifyPolicy(value: unknown): value is NotifyPolicy {
  return (NOTIFY_POLICIES as readonly unknown[]).includes(value);
}

type RunOrigin = Pick<Run, "trigger"> & Partial<Pick<Run, "rerunOfId" | "bulkActionId" | "test">>;

/** A re-run the person started themselves (not one of a bulk re-run): it speaks like Run now. */
export function isPersonRerun(run: RunOrigin): boolean {
  return !!run.rerunOfId && !run.bulkActionId;
}

/** Runs that started without the person: the ones the setting applies to. */
export function isUnattendedRun(run: RunOrigin): boolean {
  // A test run is always the person's own (whatever trigger it stands in for).
  if (isPersonRerun(run) || run.test) return false;
  const type = (run.trigger as { type?: string } | null)?.type;
  return type === "schedule" || type === "event";
}

/**
 * Whether the run's card (and, once it ends, its summary) goes into the thread. `status` is the
 * run's final status when known: a failure always shows.
 */
export function showsRunCard(
  run: RunOrigin,
  policy: NotifyPolicy,
  status?: Run["status"],
): boolean {
  if (!isUnattendedRun(run)) return true;
  return policy === "always" || status === "failed";
}
