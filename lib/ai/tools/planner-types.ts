// What the planner tools take and return: shared by the tools (server), the chat message type
// and the plan card (browser), so this file imports nothing that only runs on the server.

export interface PlannerIssue {
  /** Where in the plan, like `steps[2].input.url`; "" for the plan as a whole. */
  path: string;
  message: string;
}

export interface ProposeWorkflowInput {
  /** A plan in plan language v1. Unchecked here: the server's validator is the judge. */
  plan: unknown;
}

export interface ReviseWorkflowInput {
  workflowId: string;
  /** The whole revised plan, not a patch. */
  plan: unknown;
  /** One line on what changed and why. */
  note?: string;
}

export interface PlannerSaved {
  ok: true;
  workflowId: string;
  versionId: string;
  /** The version number: 1 for a proposal, the next number for a revision. */
  version: number;
  title: string;
  /** The human summary of the saved plan. */
  summary: string;
  warnings: PlannerIssue[];
  /** For a revision: what changed since the previous version, one line per change. */
  changes?: string[];
}

export interface PlannerRejected {
  ok: false;
  errors: PlannerIssue[];
  /** Failed attempts so far in this turn, this one included. */
  attempt: number;
  maxAttempts: number;
  /** True once the attempts are used up: the model must explain instead of trying again. */
  gaveUp: boolean;
  /** What the model should do next, in words. */
  message: string;
}

export type PlannerToolOutput = PlannerSaved | PlannerRejected;

/** The planner tools as the chat message type sees them (`tool-proposeWorkflow` parts). */
export type PlannerUITools = {
  proposeWorkflow: { input: ProposeWorkflowInput; output: PlannerToolOutput };
  reviseWorkflow: { input: ReviseWorkflowInput; output: PlannerToolOutput };
};

export const PLANNER_TOOL_NAMES = ["proposeWorkflow", "reviseWorkflow"] as const;
export type PlannerToolName = (typeof PLANNER_TOOL_NAMES)[number];
