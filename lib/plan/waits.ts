// Wait steps: which steps need resume URLs, and the instants `wait.until` and wait
// deadlines (`until` / `timeout`) resolve to, DST-correct in the plan's zone.
import type { ActionCatalog } from "./catalog";
import { parseDuration } from "./duration";
import type { EvaluationEnv } from "./expression";
import { allSteps, type Plan } from "./schema";
import { localTimeToInstant, parseTimeOfDay } from "./timezone";

/**
 * Ids of the steps that get a resume URL (every step whose action is a wait). The engine
 * derives each URL from run and step before the first step runs, and passes them as
 * `waits` in the scheduler context, so any step can embed `{{ waits.<id>.url }}`.
 */
export function waitStepIds(plan: Plan, catalog: ActionCatalog): string[] {
  return allSteps(plan)
    .filter((step) => catalog.get(step.action)?.kind === "wait")
    .map((step) => step.id);
}

/**
 * The instant a `wait.until` input means: an ISO instant as is, or a local time of day on
 * the local date of `now` (plus `dayOffset` days) in the plan's zone. A result in the past
 * means "continue at once".
 */
export function waitUntilInstant(
  input: { at: string; dayOffset?: number },
  env: EvaluationEnv,
): string {
  const nowMs = Date.parse(env.now);
  if (parseTimeOfDay(input.at)) {
    return new Date(
      localTimeToInstant(input.at, env.timeZone, nowMs, input.dayOffset ?? 0),
    ).toISOString();
  }
  const ms = Date.parse(input.at);
  if (Number.isNaN(ms)) throw new Error(`"${input.at}" is neither a local time nor an instant`);
  return new Date(ms).toISOString();
}

/** When a wait with `timeout` and/or `until` gives up: whichever comes first. */
export function waitDeadline(
  input: { timeout?: string; until?: string },
  env: EvaluationEnv,
): string | undefined {
  const candidates: number[] = [];
  const nowMs = Date.parse(env.now);
  if (input.timeout !== undefined) {
    const ms = parseDuration(input.timeout);
    if (ms !== undefined) candidates.push(nowMs + ms);
  }
  if (input.until !== undefined)
    candidates.push(Date.parse(waitUntilInstant({ at: input.until }, env)));
  if (candidates.length === 0) return undefined;
  return new Date(Math.min(...candidates)).toISOString();
}
