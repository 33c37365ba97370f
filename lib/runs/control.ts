// Controlling runs from outside the interpreter: start, cancel, and signals for wait steps
// (resume URLs, approvals and matching app events). The UI, the chat tools and the routes call these.
import "server-only";
import {
  inngest as appClient,
  runCancelRequested,
  waitResumed,
  waitSignaled,
} from "@/inngest/client";
import {
  appendRunEvent,
  getRunById,
  getRunForOwner,
  listActiveRunsByIds,
  listRunSteps,
  putWaitSignal,
} from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordRunFinished } from "./records";
import { isTerminal } from "./status";
import { childRunIdOf } from "./view";

type Sender = Pick<typeof appClient, "send">;

const notFound = () => new AppError("not_found:run", "This run does not exist or is not yours.");

/**
 * Keeps a signal for a wait and wakes the wait. A signal before the run reaches the wait is
 * kept and consumed when it gets there; the relay function re-sends it until the wait takes
 * it, which covers a wait that registers just after the signal.
 */
export async function signalWait({
  runId,
  stepId,
  payload,
  via,
  client = appClient,
}: {
  runId: string;
  stepId: string;
  payload?: unknown;
  via: "url" | "approval" | "event";
  client?: Sender;
}): Promise<{ accepted: boolean; duplicate: boolean }> {
  const run = await getRunById({ runId });
  if (!run) throw notFound();
  if (isTerminal(run.status)) {
    return { accepted: false, duplicate: false };
  }
  const stored = await putWaitSignal({ runId, stepId, payload: { via, data: payload ?? null } });
  if (stored.consumed && !stored.stored) return { accepted: false, duplicate: true };
  // A repeated signal still re-sends the wake-up events (the first call may have died before
  // sending them); the stored payload stays the first one.
  await appendRunEvent({
    runId,
    key: `${stepId}:signal`,
    stepId,
    message: `${stepId} received a signal (${via})`,
    data: { via, armed: stored.armed },
  });
  await client.send([
    waitResumed.create({ runId, stepId, payload: { via, data: payload ?? null } }),
    waitSignaled.create({ runId, stepId }),
  ]);
  return { accepted: true, duplicate: !stored.stored };
}

/** Approves or rejects a run's `wait.approval` step, as its owner. */
export async function answerApproval({
  userId,
  runId,
  stepId,
  approved,
  comment,
  client = appClient,
}: {
  userId: string;
  runId: string;
  stepId: string;
  approved: boolean;
  comment?: string;
  client?: Sender;
}) {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw notFound();
  return signalWait({
    runId,
    stepId,
    payload: { approved, by: userId, ...(comment ? { comment } : {}) },
    via: "approval",
    client,
  });
}

/**
 * Cancels the caller's run: stops the engine run, records the run as cancelled (its attempts
 * under way with it), and cancels the child runs its `workflow.run` units are running. The
 * units executing in some app process learn it from the database (lib/runs/cancel-watch.ts):
 * nothing here reaches them directly, so any process may cancel any run.
 */
export async function cancelRun({
  userId,
  runId,
  client = appClient,
}: {
  userId: string;
  runId: string;
  client?: Sender;
}): Promise<{ cancelled: boolean; status: string }> {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw notFound();
  return cancelOwnedRun({ run, client, depth: 0 });
}

async function cancelOwnedRun({
  run,
  client,
  depth,
}: {
  run: Run;
  client: Sender;
  depth: number;
}): Promise<{ cancelled: boolean; status: string }> {
  const { id: runId, userId } = run;
  if (isTerminal(run.status)) {
    return { cancelled: false, status: run.status };
  }
  // Read before the cancel ends them: the units under way, whose child runs end with it.
  const open = (await listRunSteps({ runId })).filter((row) => row.status === "running");
  await client.send(runCancelRequested.create({ runId, userId }));
  const changed = await recordRunFinished({ runId, status: "cancelled" });
  if (depth < MAX_CHILD_DEPTH) {
    const unitIds = open.map((row) =>
      row.iteration >= 0 ? `${row.stepId}#${row.iteration}` : row.stepId,
    );
    const children = await listActiveRunsByIds({
      userId,
      runIds: unitIds.map((unitId) => childRunIdOf(runId, unitId)),
    });
    for (const child of children) await cancelOwnedRun({ run: child, client, depth: depth + 1 });
  }
  return { cancelled: changed, status: changed ? "cancelled" : run.status };
}

/** workflow.run nests at most 5 levels (child-runs.ts); a guard, not a limit anyone meets. */
const MAX_CHILD_DEPTH = 8;
