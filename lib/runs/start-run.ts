// Starting a run of a workflow's approved version ("Run now", "run it" from the chat, a
// workflow.run step): check the manual inputs, pin the version, create the run record, and
// ask the engine to execute it.
import "server-only";
import { randomUUID } from "node:crypto";
import { inngest as appClient, runRequested } from "@/inngest/client";
import { getThread } from "@/lib/db/queries";
import { createRun } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { jsonBytes, MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { logError } from "@/lib/log";
import { validateManualInputs } from "@/lib/plan/manual-inputs";
import { formatIssues } from "@/lib/plan/validate";
import { requirePlanSecrets } from "@/lib/secrets/plan-secrets";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { isWorkflowId } from "@/lib/workflows/workflow-refs";
import { recordRunFinished } from "./records";
import { postRunCard } from "./thread-messages";

type Sender = Pick<typeof appClient, "send">;

/** Creates the run record of the workflow's approved version; the engine is not told yet. */
export async function prepareRun({
  userId,
  workflowId,
  inputs = {},
  threadId,
  runId = randomUUID(),
  via,
}: {
  userId: string;
  workflowId: string;
  inputs?: Record<string, unknown>;
  threadId?: string | null;
  runId?: string;
  /** Who asked: "chat" when the assistant started it ("run it"); the history shows it. */
  via?: "chat";
}): Promise<Run> {
  // Not an id at all (a title, say) is the same answer as an id that is not theirs.
  const workflow = isWorkflowId(workflowId)
    ? await getWorkflow({ id: workflowId, userId })
    : undefined;
  if (!workflow) {
    throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
  }
  if (jsonBytes(inputs) > MAX_RUN_INPUT_BYTES) {
    throw new AppError(
      "payload_too_large:run",
      `The inputs are too large (${MAX_RUN_INPUT_BYTES / 1024} KB of JSON at most).`,
    );
  }
  // A run posts into the thread it names: only one of the caller's own.
  if (threadId && threadId !== workflow.threadId && !(await getThread({ id: threadId, userId }))) {
    throw new AppError("not_found:thread");
  }
  if (!workflow.activeVersionId) {
    throw new AppError(
      "conflict:workflow",
      "This workflow has no approved version yet: approve its plan before running it.",
    );
  }
  const pinned = await loadPinnedPlan({ versionId: workflow.activeVersionId, userId });
  if (!pinned.ok) {
    throw new AppError("conflict:workflow", "The approved version of this workflow is unreadable.");
  }
  await requirePlanSecrets({ userId, plan: pinned.plan, doing: "run" });
  const checked = validateManualInputs(pinned.plan.trigger, inputs);
  if (!checked.ok) {
    throw new AppError(
      "bad_request:run",
      `The inputs do not fit this workflow: ${formatIssues(checked.errors).join("; ")}`,
      { errors: checked.errors },
    );
  }
  return createRun({
    id: runId,
    workflowId,
    versionId: pinned.version.id,
    userId,
    threadId: threadId ?? workflow.threadId,
    trigger: { type: "manual", inputs: checked.inputs, ...(via ? { via } : {}) },
  });
}

/** Starts a run of the caller's workflow with its manual inputs; answers with the run. */
export async function startRun({
  userId,
  workflowId,
  inputs,
  threadId,
  via,
  client = appClient,
}: {
  userId: string;
  workflowId: string;
  inputs?: Record<string, unknown>;
  threadId?: string | null;
  via?: "chat";
  client?: Sender;
}): Promise<Run> {
  const run = await prepareRun({ userId, workflowId, inputs, threadId, via });
  await requestRun({ run, client });
  return run;
}

/**
 * Asks the engine to execute a prepared run (`workflow/run.requested`, event id `run-<runId>`:
 * a repeated send starts one run, not two). An engine that cannot be reached fails the run
 * record and answers 503.
 */
export async function requestRun({
  run,
  client = appClient,
  depth = 0,
}: {
  run: Run;
  client?: Sender;
  /** How deep in a chain of workflow.run steps (0: started by a person or a trigger). */
  depth?: number;
}) {
  try {
    await client.send(
      runRequested.create(
        {
          runId: run.id,
          userId: run.userId,
          workflowId: run.workflowId,
          versionId: run.versionId,
          depth,
        },
        { id: `run-${run.id}` },
      ),
    );
  } catch (error) {
    logError("[runs] could not reach the workflow engine", error);
    await recordRunFinished({
      runId: run.id,
      status: "failed",
      error: { message: "The workflow engine could not be reached; the run did not start." },
    });
    throw new AppError(
      "unavailable:run",
      "The workflow engine is not reachable right now; the run did not start.",
    );
  }
}

/** Puts a started run's live card into its thread; a card that cannot be posted is logged. */
export async function postStartedRunCard({ run, userId }: { run: Run; userId: string }) {
  const workflow = await getWorkflow({ id: run.workflowId, userId });
  return postRunCard({ run, title: workflow?.title ?? "Workflow", workflow }).catch((error) => {
    logError("[runs] could not post the run card", error);
    return undefined;
  });
}

/** Starts a run and puts its live card into the thread; answers with both. */
export async function startRunInThread(args: Parameters<typeof startRun>[0]) {
  const run = await startRun(args);
  const message = await postStartedRunCard({ run, userId: args.userId });
  return { run, message };
}
