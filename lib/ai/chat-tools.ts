// The chat's tool set for one turn (the planner tools with their repair loop, the run tools, the
// template tools) and the step settings that go with it. The chat route and the planner
// evaluation (lib/evals/planner) both build their turn here, so an evaluation measures exactly
// what the chat offers the model.
import "server-only";
import type { PrepareStepFunction, StopCondition } from "ai";
import { plannerSettings } from "./planner";
import type { PlannerBudget } from "./planner-attempts";
import { answerApprovalTool } from "./tools/answer-approval";
import { bulkRunsTool } from "./tools/bulk-runs";
import { pauseWorkflowTool } from "./tools/pause-workflow";
import { resumeWorkflowTool } from "./tools/resume-workflow";
import { runTools } from "./tools/run-tools";
import { setWorkflowNotifyTool } from "./tools/set-workflow-notify";
import { templateTools } from "./tools/templates";

export interface ChatToolsOptions {
  userId: string;
  threadId: string;
  /** The person's zone (their setting, else their browser's), for the template tools. */
  timezone?: string;
  /** A workflow the person's message was already answered with (see plannerSettings). */
  reviseInstead?: string;
  budget?: PlannerBudget;
}

function buildTools({ userId, threadId, timezone, reviseInstead, budget }: ChatToolsOptions) {
  const others = {
    ...runTools({ userId, threadId }),
    setWorkflowNotify: setWorkflowNotifyTool({ userId }),
    pauseWorkflow: pauseWorkflowTool({ userId }),
    resumeWorkflow: resumeWorkflowTool({ userId }),
    bulkRuns: bulkRunsTool({ userId }),
    answerApproval: answerApprovalTool({ userId, threadId }),
    ...templateTools({ timezone }),
  };
  const planner = plannerSettings({
    userId,
    threadId,
    otherToolNames: Object.keys(others),
    reviseInstead,
    budget,
  });
  return { tools: { ...planner.tools, ...others }, planner };
}

export type ChatTools = ReturnType<typeof buildTools>["tools"];

/** The tools of one chat turn, its step limit and the step hook of the planner's repair loop. */
export function chatTools(options: ChatToolsOptions): {
  tools: ChatTools;
  stopWhen: StopCondition<ChatTools>;
  prepareStep: PrepareStepFunction<ChatTools>;
} {
  const { tools, planner } = buildTools(options);
  return {
    tools,
    // The planner's stop condition and step preparation only count steps and narrow the
    // active tools, so they hold for the merged tool set too.
    stopWhen: planner.stopWhen as unknown as StopCondition<ChatTools>,
    prepareStep: planner.prepareStep as unknown as PrepareStepFunction<ChatTools>,
  };
}
