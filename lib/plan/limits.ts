// A workflow's flow control (`plan.limits`) and its trigger's idempotency key: their checks
// beyond the schema, their values in milliseconds for the runtime, and their words for the
// card ("at most one run at a time; a repeated delivery with the same id is ignored").
import { resolveBindings } from "./bindings";
import { durationProblem, parseDuration } from "./duration";
import type { EvaluationEnv } from "./expression";
import type { PathSegment } from "./issues";
import {
  IDEMPOTENCY_WINDOW_MS,
  LIMIT_DURATION_BOUNDS,
  type Plan,
  type PlanLimits,
  type Trigger,
} from "./schema";
import { scanTemplate, TemplateSyntaxError } from "./template";

/** The limits in the runtime's units; absent fields impose nothing. */
export type RunLimits = {
  concurrency?: number;
  rate?: { limit: number; periodMs: number };
  debounceMs?: number;
  singleton?: "skip" | "replace";
  timeoutMs?: number;
};

export type LimitIssue = { path: PathSegment[]; message: string };

/** Triggers whose runs come from deliveries (the only ones a key or debounce applies to). */
export function isDeliveryTrigger(trigger: Trigger): boolean {
  return trigger.type === "webhook" || trigger.type === "event";
}

/** The trigger's idempotency key template, if it has one. */
export function idempotencyKeyOf(trigger: Trigger): string | undefined {
  return trigger.type === "webhook" || trigger.type === "event"
    ? trigger.idempotencyKey
    : undefined;
}

/** Whether a plan asks for anything the runtime gates a run on. */
export function hasRunLimits(limits: RunLimits): boolean {
  return (
    limits.concurrency !== undefined ||
    limits.rate !== undefined ||
    limits.singleton !== undefined ||
    limits.timeoutMs !== undefined
  );
}

/** A plan's limits in milliseconds (a validated plan's durations all parse). */
export function runLimitsOf(plan: Pick<Plan, "limits" | "trigger">): RunLimits {
  const limits = plan.limits ?? {};
  const ms = (text: string | undefined) => (text === undefined ? undefined : parseDuration(text));
  const out: RunLimits = {};
  if (limits.concurrency !== undefined) out.concurrency = limits.concurrency;
  const periodMs = ms(limits.rate?.period);
  if (limits.rate && periodMs) out.rate = { limit: limits.rate.limit, periodMs };
  const debounceMs = ms(limits.debounce);
  // Debounce settles bursts of deliveries: only triggers that have them (validation says so).
  if (debounceMs && isDeliveryTrigger(plan.trigger as Trigger)) out.debounceMs = debounceMs;
  if (limits.singleton) out.singleton = limits.singleton;
  const timeoutMs = ms(limits.timeout);
  if (timeoutMs) out.timeoutMs = timeoutMs;
  return out;
}

function boundedDuration(
  text: string,
  bounds: readonly [number, number],
  what: string,
): string | undefined {
  const problem = durationProblem(text);
  if (problem) return problem;
  const value = parseDuration(text) ?? 0;
  const [min, max] = bounds;
  if (value < min || value > max) {
    return `${what} must be between ${durationWords(min)} and ${durationWords(max)}, got "${text}"`;
  }
  return undefined;
}

/** What the schema cannot say about `limits` and the trigger's key. */
export function limitIssues(plan: Plan): LimitIssue[] {
  const issues: LimitIssue[] = [];
  const limits: PlanLimits = plan.limits ?? {};
  const at = (path: PathSegment[], message: string) => issues.push({ path, message });
  if (limits.rate) {
    const problem = boundedDuration(limits.rate.period, LIMIT_DURATION_BOUNDS.rate, "the period");
    if (problem) at(["limits", "rate", "period"], problem);
  }
  if (limits.debounce !== undefined) {
    const problem = boundedDuration(limits.debounce, LIMIT_DURATION_BOUNDS.debounce, "debounce");
    if (problem) at(["limits", "debounce"], problem);
    else if (!isDeliveryTrigger(plan.trigger)) {
      at(
        ["limits", "debounce"],
        `debounce settles bursts of deliveries: only webhook and event triggers have them, this one is "${plan.trigger.type}"`,
      );
    }
  }
  if (limits.timeout !== undefined) {
    const problem = boundedDuration(limits.timeout, LIMIT_DURATION_BOUNDS.timeout, "the timeout");
    if (problem) at(["limits", "timeout"], problem);
  }
  if (limits.singleton && limits.concurrency !== undefined && limits.concurrency > 1) {
    at(
      ["limits", "concurrency"],
      `singleton already means one run at a time; drop concurrency (${limits.concurrency}) or singleton`,
    );
  }
  const key = idempotencyKeyOf(plan.trigger);
  if (key !== undefined) {
    const path: PathSegment[] = ["trigger", "idempotencyKey"];
    try {
      const bindings = scanTemplate(key).filter((segment) => segment.kind === "expr");
      if (bindings.length === 0) {
        at(
          path,
          `"${key}" has no {{ }}: it is the same for every delivery, so only the first would run in 24 h; name the delivery, e.g. "{{ trigger.body.id }}"`,
        );
      }
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      at(path, error.message);
    }
  }
  return issues;
}

/**
 * The key naming one delivery: the template resolved against the delivery's `trigger`.
 * Undefined when it names nothing (a field the delivery lacks, or an empty value): such a
 * delivery cannot be told from others and runs without the check.
 */
export async function resolveDeliveryKey(
  template: string,
  trigger: unknown,
  env: EvaluationEnv,
): Promise<string | undefined> {
  try {
    const value = await resolveBindings(template, { trigger }, env);
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text && text.trim() !== "" ? text : undefined;
  } catch {
    return undefined;
  }
}

/** "10 s", "5 min", "1 hour", "24 hours", "7 days". */
export function durationWords(ms: number): string {
  const units: [number, string, string][] = [
    [86_400_000, "day", "days"],
    [3_600_000, "hour", "hours"],
    [60_000, "min", "min"],
    [1_000, "s", "s"],
  ];
  for (const [size, one, many] of units) {
    // A day reads as 24 hours; days start at two.
    if (size === 86_400_000 && ms < 2 * size) continue;
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${n === 1 ? one : many}`;
    }
  }
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  if (ms >= 1_000) return `${Math.round(ms / 100) / 10} s`;
  return `${ms} ms`;
}

/** "per hour", "per 10 min". */
function perPeriod(ms: number): string {
  const words = durationWords(ms);
  return words.startsWith("1 ") ? `per ${words.slice(2)}` : `per ${words}`;
}

/** What the key's template names, for people: "id" for `{{ trigger.body.id }}`. */
function keyWords(template: string): string {
  try {
    const segments = scanTemplate(template);
    const only = segments.length === 1 && segments[0].kind === "expr" ? segments[0] : undefined;
    const path = only?.source.trim().match(/^trigger(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/);
    if (path) return path[0].split(".").at(-1) as string;
  } catch {
    // a template validation refuses; the words below still say something true
  }
  return `key (${template})`;
}

/**
 * The limits in words, one phrase each, in the order a person asks about them:
 * "at most one run at a time", "a repeated delivery with the same id is ignored (24 h)".
 */
export function describeLimits(plan: Pick<Plan, "limits" | "trigger">): string[] {
  const limits = runLimitsOf(plan);
  const words: string[] = [];
  if (limits.debounceMs !== undefined) {
    words.push(
      `waits for a burst of deliveries to settle (${durationWords(limits.debounceMs)} without a new one), then runs once with the last`,
    );
  }
  if (limits.singleton === "skip") {
    words.push("at most one run at a time (one that would start meanwhile is skipped)");
  } else if (limits.singleton === "replace") {
    words.push("at most one run at a time (a new one cancels the one still going)");
  } else if (limits.concurrency !== undefined) {
    words.push(
      limits.concurrency === 1
        ? "at most one run at a time (more wait their turn)"
        : `at most ${limits.concurrency} runs at a time (more wait their turn)`,
    );
  }
  if (limits.rate) {
    const { limit, periodMs } = limits.rate;
    words.push(
      `at most ${limit === 1 ? "one run" : `${limit} runs`} ${perPeriod(periodMs)} (more wait their turn)`,
    );
  }
  if (limits.timeoutMs !== undefined) {
    words.push(`a run taking longer than ${durationWords(limits.timeoutMs)} fails`);
  }
  const key = idempotencyKeyOf(plan.trigger as Trigger);
  if (key !== undefined) {
    words.push(
      `a repeated delivery with the same ${keyWords(key)} is ignored (${durationWords(IDEMPOTENCY_WINDOW_MS)})`,
    );
  }
  return words;
}

/** "Run exceeded its 10 min time limit": how a timed-out run's failure reads. */
export function timeoutMessage(timeoutMs: number): string {
  return `Run exceeded its ${durationWords(timeoutMs)} time limit`;
}
