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

export const RUN_TOOL_LABELS: Record<keyof RunUITools, string> = {
  listWorkflows: "Looked up your workflows",
  runWorkflow: "Started a run",
  listRuns: "Looked up recent runs",
  getRun: "Read a run's record",
  cancelRun: "Cancelled a run",
  rerunRun: "Re-ran a run",
};

/** Run tools whose results carry outside text (step outputs, errors, logs). */
export const OUTSIDE_DATA_TOOLS: ReadonlySet<string> = new Set<keyof RunUITools>([
  "getRun",
  "listRuns",
]);

/**
 * Run tools that act (start, re-run, cancel): they ask the person with a confirmation card
 * unless the person's own message asked for exactly that. A new acting tool lists its name here
 * and describes its target in run-confirmations.ts.
 */
export const CONFIRMED_TOOLS = ["runWorkflow", "cancelRun", "rerunRun"] as const;
export type ConfirmedToolName = (typeof CONFIRMED_TOOLS)[number];

export const isConfirmedTool = (name: string): name is ConfirmedToolName =>
  (CONFIRMED_TOOLS as readonly string[]).includes(name);
