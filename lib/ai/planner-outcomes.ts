// How each failed plan attempt of a reply ended, read from the reply's own parts: a later call
// in the same turn saved the plan ("fixed in attempt 2"), the attempts ran out, or the reply
// ended without another try. Nothing is stored for it, so a reload reads the same (client-safe).
import type { ChatMessage } from "./types";

type Part = ChatMessage["parts"][number];

export type RepairOutcome =
  /** The reply is still coming and no later attempt has ended yet. */
  | { kind: "fixing" }
  /** A later attempt saved the plan. */
  | { kind: "fixed"; attempt: number; version: number }
  /** The attempts ran out: the reply ends with the refusal. */
  | { kind: "refused"; maxAttempts: number }
  /** The reply ended without a plan saved after it (the model answered in words instead). */
  | { kind: "stopped" };

const PLANNER_PARTS = new Set(["tool-proposeWorkflow", "tool-reviseWorkflow"]);

type Attempt =
  | { state: "pending" }
  | { state: "saved"; version: number }
  | { state: "failed"; gaveUp: boolean; maxAttempts: number };

/** A planner call as an attempt, or undefined for any other part. */
function attemptOf(part: Part): Attempt | undefined {
  const planner =
    PLANNER_PARTS.has(part.type) ||
    (part.type === "dynamic-tool" &&
      (part.toolName === "proposeWorkflow" || part.toolName === "reviseWorkflow"));
  if (!planner || !("state" in part)) return undefined;
  if (part.state === "output-error") return { state: "failed", gaveUp: false, maxAttempts: 0 };
  if (part.state !== "output-available") return { state: "pending" };
  const output = part.output as
    | { ok: true; version: number }
    | { ok: false; gaveUp: boolean; maxAttempts: number }
    | undefined;
  if (!output) return { state: "pending" };
  return output.ok
    ? { state: "saved", version: output.version }
    : { state: "failed", gaveUp: output.gaveUp, maxAttempts: output.maxAttempts };
}

/**
 * For every failed attempt that was not the last one allowed (by part index), how the repair
 * ended. `streaming`: the reply is still coming in.
 */
export function repairOutcomes(
  parts: readonly Part[],
  { streaming }: { streaming: boolean },
): Map<number, RepairOutcome> {
  const attempts = parts.flatMap((part, index) => {
    const attempt = attemptOf(part);
    return attempt ? [{ index, attempt }] : [];
  });
  const outcomes = new Map<number, RepairOutcome>();
  for (const [position, { index, attempt }] of attempts.entries()) {
    if (attempt.state !== "failed" || attempt.gaveUp) continue;
    let outcome: RepairOutcome = streaming ? { kind: "fixing" } : { kind: "stopped" };
    let failures = attempts
      .slice(0, position + 1)
      .filter((a) => a.attempt.state === "failed").length;
    for (const later of attempts.slice(position + 1)) {
      if (later.attempt.state === "pending") {
        outcome = { kind: "fixing" };
        break;
      }
      if (later.attempt.state === "saved") {
        outcome = { kind: "fixed", attempt: failures + 1, version: later.attempt.version };
        break;
      }
      failures += 1;
      if (later.attempt.gaveUp) {
        outcome = { kind: "refused", maxAttempts: later.attempt.maxAttempts };
        break;
      }
    }
    outcomes.set(index, outcome);
  }
  return outcomes;
}
