// Structural diff between two plan versions, shaped for a UI (plan card "what changed")
// and renderable as text lines (chat, CLI, the model's context).

import type { Plan, PlanStep } from "./schema";
import { describeTrigger } from "./summary";

export interface FieldChange {
  /** Dotted path inside the step or trigger, like "input.url" or "retry.attempts". */
  field: string;
  before: unknown;
  after: unknown;
}

export interface StepChange {
  id: string;
  action: string;
  changes: FieldChange[];
}

export interface DependencyChange {
  id: string;
  added: string[];
  removed: string[];
}

export interface StepListDiff {
  added: PlanStep[];
  removed: PlanStep[];
  changed: StepChange[];
  dependencies: DependencyChange[];
  /** True when the same steps appear in a different order (order matters only for display). */
  reordered: boolean;
}

export interface PlanDiff {
  unchanged: boolean;
  /** Plan-level fields: title, summary, timezone, and each of `limits` ("limits.timeout"). */
  plan: FieldChange[];
  trigger: { before: string; after: string; changes: FieldChange[] } | undefined;
  steps: StepListDiff;
  onFailure: StepListDiff;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf-level changes between two JSON values (objects recursed, lists by index when same length). */
export function fieldChanges(before: unknown, after: unknown, prefix = ""): FieldChange[] {
  if (same(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) =>
      fieldChanges(before[key], after[key], prefix ? `${prefix}.${key}` : key),
    );
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(item, after[i], `${prefix}[${i}]`));
  }
  return [{ field: prefix || "(value)", before, after }];
}

function diffStepLists(before: readonly PlanStep[], after: readonly PlanStep[]): StepListDiff {
  const oldById = new Map(before.map((step) => [step.id, step]));
  const newById = new Map(after.map((step) => [step.id, step]));
  const added = after.filter((step) => !oldById.has(step.id));
  const removed = before.filter((step) => !newById.has(step.id));
  const changed: StepChange[] = [];
  const dependencies: DependencyChange[] = [];
  for (const step of after) {
    const old = oldById.get(step.id);
    if (!old) continue;
    const { after: newAfter, id: _newId, ...newRest } = step;
    const { after: oldAfter, id: _oldId, ...oldRest } = old;
    const changes = fieldChanges(oldRest, newRest);
    if (changes.length > 0) changed.push({ id: step.id, action: step.action, changes });
    const was = new Set(oldAfter ?? []);
    const now = new Set(newAfter ?? []);
    const plus = [...now].filter((dep) => !was.has(dep));
    const minus = [...was].filter((dep) => !now.has(dep));
    if (plus.length > 0 || minus.length > 0)
      dependencies.push({ id: step.id, added: plus, removed: minus });
  }
  const common = (list: readonly PlanStep[], other: Map<string, PlanStep>) =>
    list.filter((step) => other.has(step.id)).map((step) => step.id);
  const reordered = !same(common(before, newById), common(after, oldById));
  return { added, removed, changed, dependencies, reordered };
}

function emptyList(diff: StepListDiff): boolean {
  return (
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0 &&
    diff.dependencies.length === 0 &&
    !diff.reordered
  );
}

/** What changed from plan `a` (older) to plan `b` (newer). */
export function diffPlans(a: Plan, b: Plan): PlanDiff {
  const plan = [
    ...(["title", "summary", "timezone"] as const).flatMap((key) =>
      same(a[key], b[key]) ? [] : [{ field: key, before: a[key], after: b[key] }],
    ),
    // The workflow's limits, field by field ("limits.singleton", "limits.rate.limit").
    ...fieldChanges(a.limits ?? {}, b.limits ?? {}, "limits"),
  ];
  const triggerChanges = fieldChanges(a.trigger, b.trigger);
  const trigger =
    triggerChanges.length > 0
      ? {
          before: describeTrigger(a.trigger),
          after: describeTrigger(b.trigger),
          changes: triggerChanges,
        }
      : undefined;
  const steps = diffStepLists(a.steps, b.steps);
  const onFailure = diffStepLists(a.onFailure ?? [], b.onFailure ?? []);
  return {
    unchanged: plan.length === 0 && !trigger && emptyList(steps) && emptyList(onFailure),
    plan,
    trigger,
    steps,
    onFailure,
  };
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function renderList(diff: StepListDiff, label: string): string[] {
  const lines: string[] = [];
  for (const step of diff.added) lines.push(`+ ${label} "${step.id}" (${step.action}) added`);
  for (const step of diff.removed) lines.push(`- ${label} "${step.id}" (${step.action}) removed`);
  for (const change of diff.changed) {
    for (const field of change.changes) {
      lines.push(
        `~ ${label} "${change.id}": ${field.field} ${show(field.before)} → ${show(field.after)}`,
      );
    }
  }
  for (const dep of diff.dependencies) {
    const parts = [
      ...dep.added.map((id) => `now after "${id}"`),
      ...dep.removed.map((id) => `no longer after "${id}"`),
    ];
    lines.push(`~ ${label} "${dep.id}": ${parts.join(", ")}`);
  }
  if (diff.reordered) lines.push(`~ ${label}s reordered`);
  return lines;
}

/** The diff as text lines: "+ step …", "- step …", "~ step "x": input.url "a" → "b"". */
export function renderPlanDiff(diff: PlanDiff): string[] {
  if (diff.unchanged) return ["No changes."];
  const lines = diff.plan.map(
    (change) => `~ ${change.field}: ${show(change.before)} → ${show(change.after)}`,
  );
  if (diff.trigger) {
    if (diff.trigger.before !== diff.trigger.after) {
      lines.push(`~ trigger: ${diff.trigger.before} → ${diff.trigger.after}`);
    } else {
      for (const change of diff.trigger.changes) {
        lines.push(`~ trigger.${change.field}: ${show(change.before)} → ${show(change.after)}`);
      }
    }
  }
  lines.push(...renderList(diff.steps, "step"), ...renderList(diff.onFailure, "onFailure step"));
  return lines;
}
