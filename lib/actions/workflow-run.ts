import { z } from "zod";
import { defineAction, withSimulation } from "./define-action";
import { NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { jsonObject } from "./shared-schemas";

const workflowRunDeclaration = defineAction({
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
  effect: () => ({ class: "starts", kind: "workflow", does: "starts the other workflow" }),
  example: { workflow: "wf_weekly_report", input: { week: "{{ $localDate() }}" } },
});

/**
 * The interpreter starts the child itself (step.invoke); a test run only checks that the
 * workflow is the person's and can run, and says what it would start with.
 */
export const workflowRun = withSimulation(workflowRunDeclaration, async (input, context) => {
  const find = requireService(context, "workflow", "workflow.run");
  const workflow = await find(input.workflow);
  if (!workflow) {
    throw new NonRetriableActionError(
      `workflow.run: you have no workflow "${input.workflow}" to run`,
      { code: "not_found" },
    );
  }
  if (!workflow.runnable) {
    throw new NonRetriableActionError(
      `workflow.run: "${workflow.title}" has no approved version to run`,
      { code: "not_configured" },
    );
  }
  return {
    wouldSend: {
      kind: "workflow",
      summary: `start "${workflow.title}"`,
      workflow: { id: workflow.id, title: workflow.title },
      payload: input.input ?? {},
    },
    output: { runId: "test-run-not-started", status: "succeeded" as const, output: null },
  };
});
