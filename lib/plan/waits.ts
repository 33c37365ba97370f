// Wait steps: which steps need resume URLs, and the instants `wait.until` and wait
// deadlines (`until` / `timeout`) resolve to, DST-correct in the plan's zone.
import type { ActionCatalog } from "./catalog";
import { parseDuration } from "./duration";
import { type EvaluationEnv, expressionUsage, parseExpression } from "./expression";
import { allSteps, type Plan } from "./schema";
import { localTimeToInstant, parseTimeOfDay } from "./timezone";

/**
 * Ids of the steps that get a resume URL (every step whose action is a wait). The engine
 * derives each URL from run and step before the first step runs, and passes them as
 * `waits` in the pass context (`nextActions`), so any step can embed `{{ waits.<id>.url }}`.
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

/**
 * What a wait.event's `match` needs from its step's scope to be checked later, when an app
 * event arrives outside the run: only the roots it reads, and of `steps` only the steps it
 * names. `now` is left out (it is the event's time then); secrets are never kept.
 */
export function eventMatchScope(
  match: string | null,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  if (!match) return {};
  const parsed = parseExpression(match);
  if (!parsed.ok) return {};
  const out: Record<string, unknown> = {};
  for (const ref of expressionUsage(parsed.ast).references) {
    if (ref.root === "now" || ref.root === "secrets") continue;
    if (ref.root === "steps" && ref.name) {
      const steps = (scope.steps ?? {}) as Record<string, unknown>;
      const picked = (out.steps ?? {}) as Record<string, unknown>;
      if (ref.name in steps) picked[ref.name] = steps[ref.name];
      out.steps = picked;
      continue;
    }
    if (ref.root in scope) out[ref.root] = scope[ref.root];
  }
  return out;
}
