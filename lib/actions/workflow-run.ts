import { z } from "zod";
import { defineAction } from "./define-action";
import { jsonObject } from "./shared-schemas";

export const workflowRun = defineAction({
  id: "workflow.run",
  title: "Run another workflow",
  description:
    "Run another workflow of the same person (its approved version) with inputs; output is its result.",
  kind: "control",
  sideEffects: true,
  input: z.strictObject({
    workflow: z.string().min(1).describe("id of the other workflow"),
    input: jsonObject.optional().describe("its manual inputs"),
  }),
  output: z.object({
    runId: z.string(),
    status: z.enum(["succeeded", "failed"]),
    output: z.unknown().optional(),
  }),
  describe: (input) => `run workflow ${String(input.workflow ?? "?")}`,
  example: { workflow: "wf_weekly_report", input: { week: "{{ $localDate() }}" } },
});
