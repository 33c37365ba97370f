// A plan's keys in the language's own order (version, title, …, steps; id, action, after, …):
// PostgreSQL's jsonb stores keys in its own order, which reads badly in the plan editor.
import { type Plan, PlanSchema, type PlanStep, StepSchema } from "@/lib/plan/schema";

const PLAN_KEYS = Object.keys(PlanSchema.shape);
const STEP_KEYS = Object.keys(StepSchema.shape);
const TRIGGER_KEYS = ["type", "cron", "timezone", "event", "if", "description", "inputs"];

/** Orders an object's keys as `order` lists them, unknown keys after, in their own order. */
function ordered<T extends object>(value: T, order: readonly string[]): T {
  const entries = Object.entries(value);
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))) as T;
}

/** The plan with its keys in display order; nothing else changes. */
export function inDisplayOrder(plan: Plan): Plan {
  const step = (s: PlanStep) => ordered(s, STEP_KEYS);
  return ordered(
    {
      ...plan,
      trigger: ordered(plan.trigger, TRIGGER_KEYS),
      steps: plan.steps.map(step),
      ...(plan.onFailure ? { onFailure: plan.onFailure.map(step) } : {}),
    },
    PLAN_KEYS,
  );
}
