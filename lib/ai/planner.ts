// The planner's repair loop: the model proposes or revises a plan through a tool, the server
// validates it with lib/plan, and errors go back to the model to repair. The attempts are
// bounded per turn; once they are used up the planner tools are switched off so the model
// has to explain in words, and nothing half-valid is ever saved.
import "server-only";
import { isStepCount, type PrepareStepFunction, type StopCondition } from "ai";
import {
  createPlannerBudget,
  MAX_PLAN_ATTEMPTS,
  MAX_PLANNER_STEPS,
  type PlannerContext,
} from "./planner-attempts";
import { PLANNER_TOOL_NAMES, type PlannerToolName } from "./tools/planner-types";
import { proposeWorkflowTool } from "./tools/propose-workflow";
import { reviseWorkflowTool } from "./tools/revise-workflow";

export { MAX_PLAN_ATTEMPTS, MAX_PLANNER_STEPS } from "./planner-attempts";

const isPlannerTool = (name: string): name is PlannerToolName =>
  (PLANNER_TOOL_NAMES as readonly string[]).includes(name);

/** The planner tools for one turn of one person's thread, sharing one attempt budget. */
export function plannerTools(context: PlannerContext) {
  const budget = context.budget ?? createPlannerBudget();
  const shared = { ...context, budget };
  return {
    proposeWorkflow: proposeWorkflowTool(shared),
    reviseWorkflow: reviseWorkflowTool(shared),
  };
}

export type PlannerTools = ReturnType<typeof plannerTools>;

/**
 * Everything `streamText` needs for a planning turn: the tools, a step limit, and a step hook
 * that counts invalid tool calls (malformed JSON never reaches `execute`) and switches the
 * planner tools off once the attempts are used up.
 */
export function plannerSettings(
  context: PlannerContext & {
    /**
     * Other tools of the same turn (run tools, say): they stay available when the planner
     * tools are switched off.
     */
    otherToolNames?: string[];
  },
): {
  tools: PlannerTools;
  stopWhen: StopCondition<PlannerTools>;
  prepareStep: PrepareStepFunction<PlannerTools>;
} {
  const budget = context.budget ?? createPlannerBudget();
  const tools = plannerTools({ ...context, budget });
  return {
    tools,
    stopWhen: isStepCount(MAX_PLANNER_STEPS),
    prepareStep: ({ steps }) => {
      for (const step of steps.slice(budget.scannedSteps)) {
        for (const part of step.content) {
          if (part.type === "tool-error" && isPlannerTool(part.toolName)) budget.failures += 1;
        }
      }
      budget.scannedSteps = steps.length;
      if (budget.failures >= MAX_PLAN_ATTEMPTS) {
        // The SDK types activeTools by this tool set; other tools' names are plain strings.
        return { activeTools: (context.otherToolNames ?? []) as (keyof PlannerTools)[] };
      }
      return undefined;
    },
  };
}
