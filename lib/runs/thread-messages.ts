// What a run says in its conversation: a live run card when it starts, and a summary when it
// ends, so the thread (and the model reading it) keeps the run history.
import "server-only";
import { postWorkflowMessage } from "@/lib/db/message-queries";
import { getRunById, listRunSteps } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { formatDuration } from "@/lib/format/duration";
import { isTerminal } from "./status";
import { addPostToBatch, addRunToBatch, isBatchedRun, setBatchRunStatus } from "./thread-batches";

export type RunCardData = { runId: string; workflowId: string; title: string };

export const runCardMessageId = (runId: string) => `run_${runId}_card`;
export const runSummaryMessageId = (runId: string) => `run_${runId}_summary`;

/**
 * Posts the live run card into the run's thread; returns the stored message, if any. A
 * webhook run is counted in its workflow's batch message instead (lib/runs/thread-batches).
 */
export async function postRunCard({ run, title }: { run: Run; title: string }) {
  if (!run.threadId) return undefined;
  if (isBatchedRun(run)) {
    await addRunToBatch(run, title);
    return undefined;
  }
  const data: RunCardData = { runId: run.id, workflowId: run.workflowId, title };
  const message = {
    id: runCardMessageId(run.id),
    role: "assistant" as const,
    parts: [{ type: "data-run", id: run.id, data }],
  };
  await postWorkflowMessage({
    userId: run.userId,
    threadId: run.threadId,
    messageId: message.id,
    parts: message.parts,
    metadata: { runId: run.id, workflowId: run.workflowId },
  });
  return message;
}

/** Words for a finished run, from its stored record: what the thread and the model read. */
export function describeFinishedRun({
  title,
  run,
  stepCount,
}: {
  title: string;
  run: Pick<Run, "status" | "error" | "startedAt" | "finishedAt" | "createdAt">;
  stepCount: number;
}): string {
  const started = run.startedAt ?? run.createdAt;
  const took =
    run.finishedAt && started
      ? ` in ${formatDuration(Math.max(0, run.finishedAt.getTime() - started.getTime()))}`
      : "";
  const steps = `${stepCount} step${stepCount === 1 ? "" : "s"} ran`;
  if (run.status === "succeeded") return `**${title}**: the run succeeded${took} (${steps}).`;
  if (run.status === "cancelled") return `**${title}**: the run was cancelled${took} (${steps}).`;
  const error = (run.error ?? {}) as { step?: string; message?: string };
  const where = error.step ? ` at step \`${error.step}\`` : "";
  return `**${title}**: the run failed${where}${took}: ${error.message ?? "unknown error"}`;
}

/** Posts the summary of a finished run into its thread (once, whatever the retries). */
export async function postRunSummary({ runId }: { runId: string }) {
  const run = await getRunById({ runId });
  if (!run?.threadId || !isTerminal(run.status)) return;
  const [workflow, steps] = await Promise.all([
    getWorkflow({ id: run.workflowId, userId: run.userId }),
    listRunSteps({ runId }),
  ]);
  const units = new Set(
    steps.filter((s) => s.status !== "skipped").map((s) => `${s.stepId}#${s.iteration}`),
  );
  const title = workflow?.title ?? "Workflow";
  if (isBatchedRun(run)) {
    await setBatchRunStatus(run, title);
    // A batched run that worked says so in its batch; a failure always gets its own message.
    if (run.status !== "failed") return;
  }
  await postWorkflowMessage({
    userId: run.userId,
    threadId: run.threadId,
    messageId: runSummaryMessageId(runId),
    text: describeFinishedRun({ title, run, stepCount: units.size }),
    metadata: { runId, workflowId: run.workflowId },
  });
}

/**
 * What a run step posts (chat.post): its own message, or an entry of its workflow's batch
 * message for a webhook run. `messageId` is stable per run unit, so a retried step posts once.
 */
export async function postFromRun({
  userId,
  threadId,
  messageId,
  text,
  source,
}: {
  userId: string;
  threadId: string;
  messageId: string;
  text: string;
  source: { runId: string; workflowId: string; stepId?: string };
}): Promise<{ messageId: string }> {
  const run = await getRunById({ runId: source.runId });
  if (run && run.userId === userId && isBatchedRun(run)) {
    const workflow = await getWorkflow({ id: source.workflowId, userId });
    const batched = await addPostToBatch({ ...run, threadId }, workflow?.title ?? "Workflow", {
      key: messageId,
      text,
    });
    return { messageId: batched?.messageId ?? messageId };
  }
  await postWorkflowMessage({
    userId,
    threadId,
    messageId,
    text,
    metadata: { workflowRun: source },
  });
  return { messageId };
}
