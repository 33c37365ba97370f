// Plain-language summaries of plans and triggers, for the plan card, the CLI and the model.
import type { ActionCatalog } from "./catalog";
import { describeLimits } from "./limits";
import { describeCron, onceInstant } from "./schedule";
import { allSteps, type Plan, type PlanStep, stepDependencies, type Trigger } from "./schema";

export interface SummaryOptions {
  /** When given, steps are described with their action's own phrase. */
  catalog?: ActionCatalog;
}

/** "Every weekday at 07:30 (Europe/Berlin)", "When you start it (inputs: city, days)". */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.type) {
    case "schedule":
      return `${describeCron(trigger.cron)} (${trigger.timezone})`;
    case "once": {
      const at = onceInstant(trigger);
      return at
        ? `Once, ${describeOnce(at, trigger.timezone)} (${trigger.timezone})`
        : `Once, at "${trigger.at}"`;
    }
    case "manual": {
      const inputs = Object.keys(trigger.inputs ?? {});
      return inputs.length > 0
        ? `When you start it (inputs: ${inputs.join(", ")})`
        : "When you start it";
    }
    case "webhook":
      return "When its webhook is called";
    case "event":
      return trigger.if
        ? `When the event "${trigger.event}" arrives and ${clip(trigger.if)}`
        : `When the event "${trigger.event}" arrives`;
  }
}

/** "on Tue 3 Mar 2026 at 09:00" in the zone. */
export function describeOnce(at: Date, timeZone: string): string {
  try {
    const part = (options: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat("en-GB", { timeZone, ...options }).format(at);
    const day = part({ weekday: "short", day: "numeric", month: "short", year: "numeric" });
    const time = part({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    return `on ${day.replace(",", "")} at ${time}`;
  } catch {
    return `at ${at.toISOString()}`;
  }
}

function clip(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * What a step's action does with its input ("call GET status.example.com/…", "post in this
 * chat"), without its title, loop or condition: the plan card says those in words of their own.
 */
export function describeAction(step: PlanStep, options: SummaryOptions = {}): string {
  const action = options.catalog?.get(step.action);
  try {
    return lowerFirst(action?.describe?.(step.input ?? {}) ?? action?.title ?? step.action);
  } catch {
    return lowerFirst(action?.title ?? step.action);
  }
}

/** A verb phrase for one step: its action's description of the input, plus loop and condition. */
export function describeStep(step: PlanStep, options: SummaryOptions = {}): string {
  const action = options.catalog?.get(step.action);
  let phrase = step.title?.trim();
  if (!phrase) {
    try {
      phrase = action?.describe?.(step.input ?? {}) ?? `${step.action} (${step.id})`;
    } catch {
      phrase = `${step.action} (${step.id})`;
    }
  }
  if (step.forEach) phrase = `for each of ${clip(step.forEach, 40)}: ${lowerFirst(phrase)}`;
  if (step.if) phrase = `${phrase} (only if ${clip(step.if)})`;
  if (step.else) phrase = `${phrase} (instead of ${step.else}, when its condition is false)`;
  return lowerFirst(phrase);
}

function lowerFirst(text: string): string {
  // Keep acronyms and names ("AI", "Slack") as they are; only lower a capitalised word.
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

/** Steps grouped by depth: a group runs after the previous one; members run side by side. */
export function stepLevels(steps: readonly PlanStep[]): PlanStep[][] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (step: PlanStep): number => {
    const known = depth.get(step.id);
    if (known !== undefined) return known;
    if (visiting.has(step.id)) return 0; // a cycle; validation reports it
    visiting.add(step.id);
    let d = 0;
    for (const dep of stepDependencies(step)) {
      const parent = byId.get(dep);
      if (parent) d = Math.max(d, depthOf(parent) + 1);
    }
    visiting.delete(step.id);
    depth.set(step.id, d);
    return d;
  };
  const levels: PlanStep[][] = [];
  for (const step of steps) {
    const d = depthOf(step);
    levels[d] = [...(levels[d] ?? []), step];
  }
  return levels.filter((level) => level && level.length > 0);
}

/**
 * A human summary: a headline sentence ("Every weekday at 07:30 (Europe/Berlin): call …,
 * then …") followed by one line per step with its dependencies and error policy.
 */
export function summarizePlan(plan: Plan, options: SummaryOptions = {}): string {
  const levels = stepLevels(plan.steps);
  const flow = levels
    .map((level) => level.map((step) => describeStep(step, options)).join(" and "))
    .join(", then ");
  const lines = [plan.title, `${describeTrigger(plan.trigger)}: ${flow}.`];
  if (plan.summary) lines.push(plan.summary);
  const limits = describeLimits(plan);
  if (limits.length > 0) lines.push(`Limits: ${limits.join("; ")}.`);
  lines.push("Steps:");
  for (const [i, step] of plan.steps.entries())
    lines.push(`  ${i + 1}. ${stepLine(step, options)}`);
  if (plan.onFailure && plan.onFailure.length > 0) {
    lines.push("If the run fails:");
    for (const [i, step] of plan.onFailure.entries()) {
      lines.push(`  ${i + 1}. ${stepLine(step, options)}`);
    }
  }
  return lines.join("\n");
}

function stepLine(step: PlanStep, options: SummaryOptions): string {
  const details: string[] = [];
  if (step.after && step.after.length > 0) details.push(`after ${step.after.join(", ")}`);
  if (step.forEach) {
    details.push(`up to ${step.maxItems ?? "?"} items, ${step.concurrency ?? "default"} at a time`);
  }
  if (step.retry)
    details.push(
      `${step.retry.attempts} attempts${step.retry.backoff ? `, ${step.retry.backoff} backoff` : ""}`,
    );
  if (step.timeout) details.push(`timeout ${step.timeout}`);
  if (step.onError === "continue") details.push("continues on error");
  const suffix = details.length > 0 ? ` [${details.join("; ")}]` : "";
  return `${step.id}: ${describeStep(step, options)}${suffix}`;
}

/** Every step id with its action, in plan order (handy for UIs and logs). */
export function stepIndex(plan: Plan): { id: string; action: string; onFailure: boolean }[] {
  const main = new Set(plan.steps.map((step) => step.id));
  return allSteps(plan).map((step) => ({
    id: step.id,
    action: step.action,
    onFailure: !main.has(step.id),
  }));
}
