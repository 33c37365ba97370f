// What a run says in its conversation: a live run card when it starts, and a summary when it
// ends, so the thread (and the model reading it) keeps the run history.
//
// Each message carries its workflow's title and the run's time (`workflowTitle`, `runAt`), so
// the thread shows it as the workflow's ("Weekday digest · run of 07:30"), and sits at its
// run's place in the thread (thread-order.ts). Unattended runs follow the workflow's notify
// setting (notify.ts). When a run ends, its card keeps the outcome, so an old card renders
// collapsed from what is stored, without reading the run.
import "server-only";
import type { RunData } from "@/lib/ai/types";
import { postWorkflowMessage, updateWorkflowMessageData } from "@/lib/db/message-queries";
import { getRunById, listRunSteps } from "@/lib/db/run-queries";
import type { Run, Workflow } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { formatDuration } from "@/lib/format/duration";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { isUnattendedRun, showsRunCard } from "./notify";
import { isTerminal } from "./status";
import { addPostToBatch, addRunToBatch, isBatchedRun, setBatchRunStatus } from "./thread-batches";
import {
  cardPosition,
  planIndexOf,
  postPosition,
  summaryPosition,
  unitIteration,
} from "./thread-order";

export type RunCardData = RunData;

/** What every message of a run carries to be shown as its workflow's. */
function runMetadata(run: Pick<Run, "id" | "workflowId" | "createdAt">, title: string) {
  return {
    runId: run.id,
    workflowId: run.workflowId,
    workflowTitle: title,
    runAt: run.createdAt.toISOString(),
  };
}

export const runCardMessageId = (runId: string) => `run_${runId}_card`;
export const runSummaryMessageId = (runId: string) => `run_${runId}_summary`;

/**
 * Posts the live run card into the run's thread; returns the stored message, if any. A
 * webhook run is counted in its workflow's batch message instead (lib/runs/thread-batches),
 * and an unattended run of a workflow set to `failures` shows its card only if it fails.
 */
export async function postRunCard({
  run,
  title,
  workflow,
}: {
  run: Run;
  title: string;
  /** The workflow row when the caller has it (its notify setting); read otherwise. */
  workflow?: Pick<Workflow, "notify">;
}) {
  if (!run.threadId) return undefined;
  if (isBatchedRun(run)) {
    await addRunToBatch(run, title);
    return undefined;
  }
  if (isUnattendedRun(run)) {
    const policy = (workflow ?? (await getWorkflow({ id: run.workflowId, userId: run.userId })))
      ?.notify;
    if (!showsRunCard(run, policy ?? "failures")) return undefined;
  }
  const data: RunCardData = {
    runId: run.id,
    workflowId: run.workflowId,
    title,
    ...(run.test ? { test: true as const } : {}),
  };
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
    metadata: runMetadata(run, title),
    position: cardPosition(run.createdAt),
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
  const error = (run.error ?? {}) as { step?: string; message?: string };
  if (run.status === "cancelled") {
    // Why, when it was not its owner's cancel (a skip, a replace, its parent run's end).
    const why = error.message ? `: ${error.message}` : ".";
    return `**${title}**: the run was cancelled${took} (${steps})${why}`;
  }
  const where = error.step ? ` at step \`${error.step}\`` : "";
  return `**${title}**: the run failed${where}${took}: ${error.message ?? "unknown error"}`;
}

/** What a collapsed card shows of a finished run, from its record. */
function outcomeOf(run: Run): NonNullable<RunData["outcome"]> {
  const started = run.startedAt ?? run.createdAt;
  const error = (run.error ?? {}) as { step?: string; message?: string };
  return {
    status: run.status,
    finishedAt: (run.finishedAt ?? new Date()).toISOString(),
    durationMs: run.finishedAt ? Math.max(0, run.finishedAt.getTime() - started.getTime()) : null,
    ...(run.status === "failed"
      ? { failedStep: error.step ?? null, error: (error.message ?? "").slice(0, 300) }
      : {}),
  };
}

/**
 * Posts the summary of a finished run into its thread (once, whatever the retries), and keeps
 * the outcome on its card. An unattended run of a workflow set to `failures` adds nothing when
 * it succeeds; when it fails, its card (at the run's place) and its summary.
 */
export async function postRunSummary({
  runId,
  byBulkAction = false,
}: {
  runId: string;
  /**
   * The run was ended by a bulk action (a bulk cancel): what it already posted shows how it
   * ended (its card, its batch's entry), but nothing is added, since the action's one progress
   * message stands for all its runs.
   */
  byBulkAction?: boolean;
}) {
  const run = await getRunById({ runId });
  if (!run?.threadId || !isTerminal(run.status)) return;
  // A bulk action's re-runs add no card or summary each: its progress is shown once, where the
  // person started it (lib/runs/bulk.ts).
  if (run.bulkActionId) return;
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
    if (run.status !== "failed" || byBulkAction) return;
  }
  const unattended = isUnattendedRun(run);
  if (unattended && !showsRunCard(run, workflow?.notify ?? "failures", run.status)) return;
  const card: RunCardData = {
    runId: run.id,
    workflowId: run.workflowId,
    title,
    ...(run.test ? { test: true as const } : {}),
  };
  const outcome = outcomeOf(run);
  if (byBulkAction) {
    // Only a card posted at the start learns the outcome; no card or summary is added.
    await updateWorkflowMessageData<RunCardData>({
      userId: run.userId,
      threadId: run.threadId,
      messageId: runCardMessageId(run.id),
      partType: "data-run",
      initial: card,
      update: (data) => ({ ...data, outcome }),
      metadata: runMetadata(run, title),
      position: cardPosition(run.createdAt),
      create: false,
    });
    return;
  }
  // A card posted at the start gets the outcome; an unattended failure gets its card now. A run
  // started in chat shows its card in the reply, and a batched run in its batch: none is added.
  await updateWorkflowMessageData<RunCardData>({
    userId: run.userId,
    threadId: run.threadId,
    messageId: runCardMessageId(run.id),
    partType: "data-run",
    initial: card,
    update: (data) => ({ ...data, outcome }),
    metadata: runMetadata(run, title),
    position: cardPosition(run.createdAt),
    create: unattended,
  });
  // A test run speaks only through its own card: no summary in the thread.
  if (run.test) return;
  await postWorkflowMessage({
    userId: run.userId,
    threadId: run.threadId,
    messageId: runSummaryMessageId(runId),
    text: describeFinishedRun({ title, run, stepCount: units.size }),
    metadata: runMetadata(run, title),
    position: summaryPosition(run.createdAt),
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
  const workflow = run ? await getWorkflow({ id: run.workflowId, userId }) : undefined;
  const pinned =
    run && source.stepId ? await loadPinnedPlan({ userId, versionId: run.versionId }) : undefined;
  const unit = messageId.slice(`run_${source.runId}_`.length);
  await postWorkflowMessage({
    userId,
    threadId,
    messageId,
    text,
    metadata: {
      workflowRun: source,
      ...(run ? runMetadata(run, workflow?.title ?? "Workflow") : {}),
    },
    position:
      run && run.userId === userId
        ? postPosition(
            run.createdAt,
            planIndexOf(pinned?.ok ? pinned.plan : undefined, source.stepId ?? unit),
            unitIteration(unit),
          )
        : undefined,
  });
  return { messageId };
}
