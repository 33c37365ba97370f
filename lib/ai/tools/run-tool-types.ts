// What the run tools take and give, for the typed chat message (safe to import in the browser).

type Refusal = { ok: false; error: string };

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
};

export const RUN_TOOL_LABELS: Record<keyof RunUITools, string> = {
  listWorkflows: "Looked up your workflows",
  runWorkflow: "Started a run",
  listRuns: "Looked up recent runs",
  getRun: "Read a run's record",
  cancelRun: "Cancelled a run",
};
