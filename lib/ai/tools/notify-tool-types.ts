// What setWorkflowNotify takes and gives, for the typed chat message (safe in the browser).
import type { NotifyPolicy } from "@/lib/runs/notify";

export type NotifyToolOutput =
  | { ok: true; workflowId: string; title: string; notify: NotifyPolicy; meaning: string }
  | { ok: false; error: string };

export type NotifyUITools = {
  setWorkflowNotify: {
    input: { workflowId: string; notify: NotifyPolicy };
    output: NotifyToolOutput;
  };
};
