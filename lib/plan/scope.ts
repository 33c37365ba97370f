// What expressions can read: the fields of each scope root, and how the scope of one step
// (or one loop item) is assembled from a run's memoized data.
import type { Trigger } from "./schema";

/** Fields of `trigger` for each trigger type (what the engine puts there when a run starts). */
export const TRIGGER_FIELDS: Record<Trigger["type"], readonly string[]> = {
  manual: ["type", "inputs"],
  schedule: ["type", "scheduledAt"],
  // A one-shot run is recorded as a scheduled run (its trigger.type reads "schedule").
  once: ["type", "scheduledAt"],
  webhook: ["type", "body", "headers", "query", "method"],
  event: ["type", "name", "data"],
};

/** Fields of `user`. */
export const USER_FIELDS = ["id", "email", "name", "timeZone"] as const;

/** Fields of `steps.<id>`. */
export const STEP_RECORD_FIELDS = ["output", "status", "error", "reason"] as const;

/** Fields of `error` in onFailure steps. */
export const FAILURE_FIELDS = ["step", "message"] as const;

/** What `steps.<id>` holds in scope. */
export interface StepRecord {
  status: "succeeded" | "failed" | "skipped";
  output?: unknown;
  error?: { message: string };
  reason?: string;
}

export interface ScopeInput {
  trigger: unknown;
  steps: Record<string, StepRecord>;
  user?: unknown;
  /** The logical time as an ISO instant. */
  now: string;
  secrets?: Record<string, string>;
  waits?: Record<string, { url: string }>;
  item?: unknown;
  index?: number;
  error?: { step: string; message: string };
}

/** The root object expressions are evaluated against. */
export function buildScope(input: ScopeInput): Record<string, unknown> {
  const scope: Record<string, unknown> = {
    trigger: input.trigger ?? {},
    steps: input.steps,
    user: input.user ?? {},
    now: input.now,
    secrets: input.secrets ?? {},
    waits: input.waits ?? {},
  };
  if (input.index !== undefined) {
    scope.item = input.item;
    scope.index = input.index;
  }
  if (input.error) scope.error = input.error;
  return scope;
}
