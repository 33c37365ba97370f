// The bounded repair loop's bookkeeping: how many failed plan attempts a turn may make, what
// the model is told after each one, and the one check every proposed plan goes through.
import "server-only";
import { actionRegistry } from "@/lib/actions/registry";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { type Plan, type PlanIssue, validatePlan } from "@/lib/plan";
import { resolveWorkflowRefs } from "@/lib/workflows/workflow-refs";
import type { PlannerIssue, PlannerRejected } from "./tools/planner-types";

/** Failed planner calls allowed in one turn before the model must stop and explain. */
export const MAX_PLAN_ATTEMPTS = 3;
/**
 * Model steps in one turn: enough for three failed attempts, a successful one and a closing
 * answer, and a hard stop for a model that keeps calling tools anyway.
 */
export const MAX_PLANNER_STEPS = MAX_PLAN_ATTEMPTS + 3;
/** The model sees at most this many errors at once; long lists drown the first fix. */
const MAX_ERRORS_SHOWN = 20;

/** Failed attempts in the current turn, shared by both planner tools and the step hook. */
export interface PlannerBudget {
  failures: number;
  /** Steps already scanned for invalid tool calls (the SDK reports those, not `execute`). */
  scannedSteps: number;
}

export function createPlannerBudget(): PlannerBudget {
  return { failures: 0, scannedSteps: 0 };
}

export interface PlannerContext {
  userId: string;
  threadId: string;
  budget?: PlannerBudget;
  /**
   * A workflow the person's message was already answered with (a regenerated reply): a new
   * proposal revises it as its next version instead of creating a second workflow.
   */
  reviseInstead?: string;
}

/** Records a failed attempt and tells the model what to do next. */
export function rejectAttempt(
  budget: PlannerBudget,
  errors: readonly PlannerIssue[],
  retryHint: string,
): PlannerRejected {
  budget.failures += 1;
  const gaveUp = budget.failures >= MAX_PLAN_ATTEMPTS;
  const shown = errors.slice(0, MAX_ERRORS_SHOWN);
  if (errors.length > shown.length) {
    shown.push({ path: "", message: `…and ${errors.length - shown.length} more errors` });
  }
  return {
    ok: false,
    errors: shown,
    attempt: budget.failures,
    maxAttempts: MAX_PLAN_ATTEMPTS,
    gaveUp,
    message: gaveUp
      ? `The plan was NOT saved, and all ${MAX_PLAN_ATTEMPTS} attempts for this message are used up. ` +
        "Do not call the planner tools again now. Tell the person plainly that you could not " +
        "produce a valid plan, explain the remaining problems in plain words, and ask how to proceed."
      : `The plan was NOT saved (attempt ${budget.failures} of ${MAX_PLAN_ATTEMPTS}). ${retryHint}`,
  };
}

/** A refusal without validating: the attempts were already used up in this turn. */
export function attemptsExhausted(budget: PlannerBudget): PlannerRejected | undefined {
  if (budget.failures < MAX_PLAN_ATTEMPTS) return undefined;
  return {
    ok: false,
    errors: [],
    attempt: budget.failures,
    maxAttempts: MAX_PLAN_ATTEMPTS,
    gaveUp: true,
    message:
      "No more plan attempts in this turn. Explain the problems to the person in words instead.",
  };
}

export type PlanCheck =
  | { ok: true; plan: Plan; warnings: PlanIssue[] }
  | { ok: false; errors: PlanIssue[] };

/** Validates what the model sent as a plan (an object, or JSON text) against the catalog. */
export function checkPlan(plan: unknown): PlanCheck {
  const result = validatePlan(plan ?? null, { catalog: actionRegistry, now: new Date() });
  return result.ok
    ? { ok: true, plan: result.plan, warnings: result.warnings }
    : { ok: false, errors: result.errors };
}

/**
 * `checkPlan`, then the person's workflows a `workflow.run` step names: a name becomes that
 * workflow's id, an unknown or ambiguous one an error the model repairs.
 */
export async function checkPlanFor({
  userId,
  plan,
  selfId,
}: {
  userId: string;
  plan: unknown;
  /** The workflow being revised (it may not run itself). */
  selfId?: string;
}): Promise<PlanCheck> {
  const checked = checkPlan(plan);
  if (!checked.ok) return checked;
  const refs = await resolveWorkflowRefs({ userId, plan: checked.plan, selfId });
  if (refs.errors.length > 0) return { ok: false, errors: refs.errors };
  return { ok: true, plan: refs.plan, warnings: [...checked.warnings, ...refs.warnings] };
}

/**
 * Runs a save of a valid plan; a database failure reaches the model and the person as a
 * short safe message (the SDK turns a thrown error into the tool part's error text), never
 * as raw SQL.
 */
export async function savingSafely<T>(save: () => Promise<T>): Promise<T> {
  try {
    return await save();
  } catch (error) {
    if (error instanceof AppError) throw error;
    logError("[planner] could not save the plan", error);
    throw new AppError(
      "unavailable:database",
      "The plan is valid but could not be saved right now. Try again in a moment.",
    );
  }
}
