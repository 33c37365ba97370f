// Which workflow a `workflow.run` step runs. People and the model name it ("run the Warehouse
// sync workflow"); a plan stores its id. A literal name is resolved to the person's one workflow
// with that title when the plan is saved (the planner's tools, an edit on the card), and checked
// again before approval; an unknown or ambiguous name is a validation error at the step's
// `input.workflow`. A templated reference (`{{ … }}`) is only known when the step runs:
// `resolveWorkflowTarget` answers it there with a sentence, never a database error.
import "server-only";
import { findWorkflowsByTitle, getWorkflowsByIds, listWorkflows } from "@/lib/db/workflow-queries";
import type { Plan, PlanIssue, PlanStep } from "@/lib/plan";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isWorkflowId = (value: string) => UUID.test(value);

/** A `workflow.run` step's literal target, or undefined when there is none to check now. */
function literalTarget(step: PlanStep): string | undefined {
  if (step.action !== "workflow.run") return undefined;
  const input = step.input as { workflow?: unknown } | undefined;
  const value = input?.workflow;
  if (typeof value !== "string" || value.includes("{{")) return undefined;
  return value.trim();
}

/** The person's workflows as a short list the model (and a person) can pick from. */
async function theirWorkflows(userId: string): Promise<string> {
  const items = (await listWorkflows({ userId, limit: 10 })).filter(
    ({ workflow }) => workflow.status !== "archived",
  );
  if (items.length === 0) return "this person has no other workflow yet";
  return `theirs: ${items.map(({ workflow }) => `${JSON.stringify(workflow.title)} (${workflow.id})`).join(", ")}`;
}

type Found =
  | { ok: true; id: string; title: string; approved: boolean }
  | { ok: false; reason: "no-id" | "no-name" | "archived"; ref: string }
  | { ok: false; reason: "ambiguous"; ref: string; ids: string[] };

/** One reference (id or title) looked up among the person's workflows. */
async function lookUp(userId: string, ref: string): Promise<Found> {
  const [workflow, ...others] = isWorkflowId(ref)
    ? await getWorkflowsByIds({ userId, ids: [ref] })
    : await findWorkflowsByTitle({ userId, title: ref });
  if (!workflow) return { ok: false, reason: isWorkflowId(ref) ? "no-id" : "no-name", ref };
  if (others.length > 0) {
    return { ok: false, reason: "ambiguous", ref, ids: [workflow, ...others].map((w) => w.id) };
  }
  if (workflow.status === "archived") return { ok: false, reason: "archived", ref: workflow.title };
  return {
    ok: true,
    id: workflow.id,
    title: workflow.title,
    approved: Boolean(workflow.activeVersionId),
  };
}

/** Why a reference found nothing, for the model and the plan card (with what there is). */
async function planMessage(userId: string, found: Exclude<Found, { ok: true }>): Promise<string> {
  const ref = JSON.stringify(found.ref);
  switch (found.reason) {
    case "ambiguous":
      return `${found.ids.length} workflows are named ${ref} (${found.ids.join(", ")}); use the id of the one meant`;
    case "archived":
      return `the workflow ${ref} is archived`;
    case "no-id":
      return `no workflow with id ${ref} among this person's workflows; ${await theirWorkflows(userId)}`;
    case "no-name":
      return `no workflow named ${ref} among this person's workflows; ${await theirWorkflows(userId)}`;
  }
}

/** Why a reference found nothing, as a run's step error reads it. */
function runMessage(found: Exclude<Found, { ok: true }>): string {
  const ref = JSON.stringify(found.ref);
  switch (found.reason) {
    case "ambiguous":
      return `Cannot tell which workflow to run: ${found.ids.length} of your workflows are named ${ref}. Edit the plan to name one by its id.`;
    case "archived":
      return `The workflow ${ref} is archived, so it cannot run.`;
    case "no-id":
      return `The workflow to run (${ref}) does not exist or is not yours.`;
    case "no-name":
      return `None of your workflows is named ${ref}.`;
  }
}

export interface WorkflowRefCheck {
  /** The plan with every literal name replaced by its workflow's id. */
  plan: Plan;
  errors: PlanIssue[];
  warnings: PlanIssue[];
}

/**
 * Resolves the literal targets of the plan's `workflow.run` steps (main and onFailure) to the
 * person's workflows. `selfId`: the workflow this plan belongs to, which it may not run.
 */
export async function resolveWorkflowRefs({
  userId,
  plan,
  selfId,
}: {
  userId: string;
  plan: Plan;
  selfId?: string;
}): Promise<WorkflowRefCheck> {
  const errors: PlanIssue[] = [];
  const warnings: PlanIssue[] = [];
  let resolved = plan;
  const sections = [
    ["steps", plan.steps],
    ["onFailure", plan.onFailure ?? []],
  ] as const;
  for (const [section, steps] of sections) {
    for (const [index, step] of steps.entries()) {
      const ref = literalTarget(step);
      if (ref === undefined) continue;
      const path = `${section}[${index}].input.workflow`;
      const found = await lookUp(userId, ref);
      if (!found.ok) {
        errors.push({ path, message: await planMessage(userId, found) });
        continue;
      }
      if (selfId && found.id === selfId) {
        errors.push({
          path,
          message: `${JSON.stringify(found.title)} is this workflow itself: a workflow.run step runs another workflow`,
        });
        continue;
      }
      if (!found.approved) {
        warnings.push({
          path,
          message: `the workflow ${JSON.stringify(found.title)} has no approved version yet: this step fails until it has one`,
        });
      }
      if (found.id !== (step.input as { workflow: string }).workflow) {
        if (resolved === plan) resolved = structuredClone(plan);
        const target = (section === "steps" ? resolved.steps : (resolved.onFailure ?? []))[index];
        (target.input as { workflow: string }).workflow = found.id;
      }
    }
  }
  return { plan: resolved, errors, warnings };
}

/**
 * The workflow a `workflow.run` step runs, looked up when it runs (its reference may be a
 * binding); a reference that finds none is a sentence for the step's error.
 */
export async function resolveWorkflowTarget({
  userId,
  ref,
}: {
  userId: string;
  ref: unknown;
}): Promise<{ ok: true; workflowId: string } | { ok: false; message: string }> {
  const text = typeof ref === "string" ? ref.trim() : "";
  if (!text) return { ok: false, message: "The step does not say which workflow to run." };
  const found = await lookUp(userId, text);
  return found.ok ? { ok: true, workflowId: found.id } : { ok: false, message: runMessage(found) };
}

/** Titles of the workflows the plan's `workflow.run` steps name by id, for the plan card. */
export async function workflowTitlesOf({
  userId,
  plan,
}: {
  userId: string;
  plan: Plan;
}): Promise<Record<string, string>> {
  const ids = [...plan.steps, ...(plan.onFailure ?? [])]
    .map(literalTarget)
    .filter((ref): ref is string => ref !== undefined && isWorkflowId(ref));
  const found = await getWorkflowsByIds({ userId, ids: [...new Set(ids)] });
  return Object.fromEntries(found.map((workflow) => [workflow.id, workflow.title]));
}
