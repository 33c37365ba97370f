// reviseWorkflow: the model sends the whole revised plan of an existing workflow; a valid one
// becomes the next draft version (the older draft is superseded), with the diff against the
// version before it. Invalid plans are never saved.
import "server-only";
import { jsonSchema, tool } from "ai";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { addWorkflowVersion, getLatestVersion } from "@/lib/db/workflow-queries";
import { summarizePlan } from "@/lib/plan";
import { draftWarnings } from "@/lib/secrets/plan-secrets";
import { changesSince } from "@/lib/workflows/version-diff";
import {
  attemptsExhausted,
  checkPlanFor,
  createPlannerBudget,
  type PlannerBudget,
  type PlannerContext,
  rejectAttempt,
  savingSafely,
} from "../planner-attempts";
import type { PlannerToolOutput, ReviseWorkflowInput } from "./planner-types";

const description =
  "Revise an EXISTING workflow (one proposed earlier in this conversation). Pass its " +
  "workflowId, the whole revised plan (not a patch) and a one-line note on what changed. " +
  "The server validates it and saves it as the next draft version, shown with a diff for the " +
  "person to approve. If it answers ok: false, fix every listed error and call again.";

/** Loose on purpose, like proposeWorkflow's: the plan validator does the real checking. */
const inputSchema = jsonSchema<ReviseWorkflowInput>({
  type: "object",
  properties: {
    workflowId: { type: "string", description: "The workflowId a planner tool returned" },
    plan: { type: "object", description: "The complete revised plan" },
    note: { type: "string", description: "What changed and why, in one line" },
  },
  required: ["workflowId", "plan"],
});

const workflowIdSchema = z.uuid();
const RETRY = "Fix every error listed and call reviseWorkflow again with the whole corrected plan.";

/**
 * Saves a revised plan of one of the person's workflows as its next draft version (shared by
 * reviseWorkflow and by proposeWorkflow when a regenerated reply re-plans).
 */
export async function reviseWorkflowPlan(
  attempts: PlannerBudget,
  userId: string,
  input: Partial<ReviseWorkflowInput>,
): Promise<PlannerToolOutput> {
  const exhausted = attemptsExhausted(attempts);
  if (exhausted) return exhausted;
  // Someone else's workflow reads exactly like a missing one.
  const latest = workflowIdSchema.safeParse(input.workflowId).success
    ? await getLatestVersion({ workflowId: String(input.workflowId), userId })
    : undefined;
  if (!latest) {
    return rejectAttempt(
      attempts,
      [
        {
          path: "workflowId",
          message: `no workflow ${JSON.stringify(input.workflowId ?? null)} among this person's workflows; use the workflowId a planner tool returned, or proposeWorkflow for a new one`,
        },
      ],
      RETRY,
    );
  }
  const checked = await checkPlanFor({ userId, plan: input.plan, selfId: latest.workflowId });
  if (!checked.ok) return rejectAttempt(attempts, checked.errors, RETRY);

  const changes = changesSince({ before: latest, after: checked.plan });
  if (changes.unchanged) {
    return rejectAttempt(
      attempts,
      [{ path: "", message: `the plan is identical to version ${latest.number}` }],
      "Change what the person asked for, or answer without revising.",
    );
  }
  const note = typeof input.note === "string" ? input.note.trim().slice(0, 500) : "";
  const { workflow, version } = await savingSafely(() =>
    addWorkflowVersion({
      userId,
      workflowId: latest.workflowId,
      title: checked.plan.title,
      plan: checked.plan,
      author: "model",
      note: note || null,
    }),
  );
  return {
    ok: true,
    workflowId: workflow.id,
    versionId: version.id,
    version: version.number,
    title: checked.plan.title,
    summary: summarizePlan(checked.plan, { catalog: actionRegistry }),
    warnings: await draftWarnings({ userId, plan: checked.plan, warnings: checked.warnings }),
    changes: changes.lines,
  };
}

export function reviseWorkflowTool({ userId, budget }: PlannerContext) {
  const attempts = budget ?? createPlannerBudget();
  return tool({
    description,
    inputSchema,
    strict: false,
    execute: (raw): Promise<PlannerToolOutput> =>
      reviseWorkflowPlan(attempts, userId, (raw ?? {}) as Partial<ReviseWorkflowInput>),
  });
}
