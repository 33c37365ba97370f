// What the run tools take and give, for the typed chat message (safe to import in the browser).

type Refusal = { ok: false; error: string };

/** A workflow's pause state (lib/workflows/pause.ts `PauseState`). */
export type PauseToolWorkflow = {
  id: string;
  title: string;
  status: string;
  pausedAt: string | null;
  resumedAt: string | null;
};
export type PauseToolOutput =
  | { ok: true; workflow: PauseToolWorkflow; backfilled?: number }
  | Refusal;

/** What bulkRuns answers: a count (dry run) or the bulk action it started. */
export type BulkToolOutput =
  | { ok: true; dryRun: true; count: number }
  | { ok: true; bulkActionId: string; kind: "cancel" | "rerun"; total: number }
  | Refusal;

export type BulkToolInput = {
  action: "cancel" | "rerun";
  filter: {
    workflowId?: string;
    status?: string[];
    from?: string;
    to?: string;
    failedStep?: string;
  };
  dryRun?: boolean;
  from?: string;
  version?: "pinned" | "latest";
};

export type RunUITools = {
  listWorkflows: {
    input: Record<string, never>;
    output: { id: string; title: string; status: string; approved: boolean }[];
  };
  runWorkflow: {
    input: { workflowId: string; inputs?: Record<string, unknown> };
    output: { ok: true; runId: string; workflowId: string; status: string } | Refusal;
  };
  listRuns: {
    input: { workflowId?: string; limit?: number };
    output: { runId: string; workflow: string; status: string; createdAt: string }[];
  };
  getRun: { input: { runId: string }; output: { ok: true } | Refusal };
  cancelRun: {
    input: { runId: string };
    output: { ok: true; cancelled: boolean; status: string } | Refusal;
  };
  pauseWorkflow: { input: { workflowId: string }; output: PauseToolOutput };
  resumeWorkflow: { input: { workflowId: string; backfill?: boolean }; output: PauseToolOutput };
  bulkRuns: { input: BulkToolInput; output: BulkToolOutput };
  answerApproval: {
    input: { approved: boolean; runId?: string; stepId?: string; comment?: string };
    output: AnswerApprovalOutput;
  };
  testWorkflow: {
    input: {
      workflowId: string;
      versionId?: string;
      inputs?: Record<string, unknown>;
      trigger?: unknown;
      waits?: Record<string, "approved" | "rejected" | "timeout" | "event">;
    };
    output:
      | {
          ok: true;
          runId: string;
          workflowId: string;
          status: "running" | "succeeded" | "failed" | "cancelled";
          steps: { step: string; outcome: string }[];
        }
      | Refusal;
  };
  rerunRun: {
    input: {
      runId: string;
      from?: string;
      version?: "pinned" | "latest";
      inputs?: Record<string, unknown>;
    };
    output:
      | {
          ok: true;
          runId: string;
          rerunOf: string;
          workflowId: string;
          status: string;
          fromStep: string | null;
          reused: string[];
          runsAgain: string[];
        }
      | Refusal;
  };
};

/** An approval step waiting for the person, as answerApproval lists it. */
export type WaitingApproval = {
  runId: string;
  stepId: string;
  workflowId: string;
  workflow: string;
  step: string;
  question: string | null;
  waitingSince: string | null;
};

export type AnswerApprovalOutput =
  | {
      ok: true;
      runId: string;
      stepId: string;
      workflow: string;
      approved: boolean;
      decidedAt: string;
    }
  | (Refusal & { waiting?: WaitingApproval[] });

export const RUN_TOOL_LABELS: Record<keyof RunUITools, string> = {
  listWorkflows: "Looked up your workflows",
  runWorkflow: "Started a run",
  listRuns: "Looked up recent runs",
  getRun: "Read a run's record",
  cancelRun: "Cancelled a run",
  pauseWorkflow: "Paused a workflow",
  resumeWorkflow: "Resumed a workflow",
  bulkRuns: "Started a bulk action",
  answerApproval: "Answered an approval",
  rerunRun: "Re-ran a run",
  testWorkflow: "Tested the plan",
};

/** Run tools whose results carry outside text (step outputs, errors, logs). */
export const OUTSIDE_DATA_TOOLS: ReadonlySet<string> = new Set<keyof RunUITools>([
  "getRun",
  "listRuns",
  "answerApproval",
  "testWorkflow",
]);

/**
 * Run tools that act (start, re-run, cancel, answer an approval): they ask the person with a confirmation card
 * unless the person's own message asked for exactly that. A new acting tool lists its name here
 * and describes its target in run-confirmations.ts.
 */
export const CONFIRMED_TOOLS = [
  "runWorkflow",
  "cancelRun",
  "resumeWorkflow",
  "bulkRuns",
  "answerApproval",
  "rerunRun",
] as const;
export type ConfirmedToolName = (typeof CONFIRMED_TOOLS)[number];

export const isConfirmedTool = (name: string): name is ConfirmedToolName =>
  (CONFIRMED_TOOLS as readonly string[]).includes(name);
