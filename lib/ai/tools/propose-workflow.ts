// proposeWorkflow: the model hands over a whole plan; a valid one becomes a new workflow with
// a draft version 1 that the person reviews on the plan card. Invalid plans are never saved:
// their errors go back to the model to repair.
import "server-only";
import { jsonSchema, tool } from "ai";
import { actionRegistry } from "@/lib/actions/registry";
import { createWorkflow } from "@/lib/db/workflow-queries";
import { summarizePlan } from "@/lib/plan";
import { draftWarnings } from "@/lib/secrets/plan-secrets";
import {
  attemptsExhausted,
  checkPlanFor,
  createPlannerBudget,
  type PlannerContext,
  rejectAttempt,
  savingSafely,
} from "../planner-attempts";
import type { PlannerToolOutput, ProposeWorkflowInput, ReviseWorkflowInput } from "./planner-types";
import { reviseWorkflowPlan } from "./revise-workflow";

const description =
  "Propose a NEW workflow. Pass the whole plan (plan language v1, as described in your " +
  "instructions). The server validates it and saves a draft that the person reviews, edits, " +
  "approves or rejects; nothing runs before they approve. If it answers ok: false, fix every " +
  "listed error (paths point into the plan) and call again with the whole corrected plan. " +
  "To change a workflow that already exists, use reviseWorkflow instead.";

/**
 * Deliberately loose: the plan is only required to be an object. OpenAI's strict mode would
 * force every property of a free-form step input to be declared, so the tool opts out of it
 * and lib/plan's validator does the real checking (with messages the model can act on).
 */
const inputSchema = jsonSchema<ProposeWorkflowInput>({
  type: "object",
  properties: {
    plan: {
      type: "object",
      description: "The complete plan: { version: 1, title, summary?, trigger, steps, onFailure? }",
    },
  },
  required: ["plan"],
});

export function proposeWorkflowTool({ userId, threadId, budget, reviseInstead }: PlannerContext) {
  const attempts = budget ?? createPlannerBudget();
  return tool({
    description,
    inputSchema,
    strict: false,
    execute: async (input): Promise<PlannerToolOutput> => {
      if (reviseInstead) {
        const plan = (input as Partial<ProposeWorkflowInput> | null)?.plan;
        return reviseWorkflowPlan(attempts, userId, {
          workflowId: reviseInstead,
          plan: plan as ReviseWorkflowInput["plan"],
          note: "Planned again when the reply was regenerated",
        });
      }
      const exhausted = attemptsExhausted(attempts);
      if (exhausted) return exhausted;
      const checked = await checkPlanFor({
        userId,
        plan: (input as Partial<ProposeWorkflowInput> | null)?.plan,
      });
      if (!checked.ok) {
        return rejectAttempt(
          attempts,
          checked.errors,
          "Fix every error listed and call proposeWorkflow again with the whole corrected plan.",
        );
      }
      const { workflow, version } = await savingSafely(() =>
        createWorkflow({
          userId,
          threadId,
          title: checked.plan.title,
          plan: checked.plan,
          author: "model",
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
      };
    },
  });
}
