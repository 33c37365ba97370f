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
  getWaitDeadline,
  putWaitSignal,
} from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { recordRunFinished } from "./records";
import { isTerminal } from "./status";
import { decisionOf } from "./wait-decision";
import { readWait, refusal } from "./wait-state";

type Sender = Pick<typeof appClient, "send">;

const notFound = () => new AppError("not_found:run", "This run does not exist or is not yours.");

/**
 * Keeps a signal for a wait and wakes the wait. A signal before the run reaches the wait is
 * kept and consumed when it gets there; the relay function re-sends it until the wait takes
 * it, which covers a wait that registers just after the signal. A signal after the wait's
 * deadline, or after the wait ended, is not taken: the wait's `:done` would not count it
 * (lib/runs/wait-decision.ts `signalCounts`), so it is refused here too.
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
  via: "url" | "approval" | "event" | "test";
  client?: Sender;
}): Promise<{ accepted: boolean; duplicate: boolean; signaledAt?: string }> {
  const run = await getRunById({ runId });
  if (!run) throw notFound();
  if (isTerminal(run.status)) {
    return { accepted: false, duplicate: false };
  }
  // A test's waits go only the way the person picks on its card (lib/runs/test-waits.ts): no
  // resume link, approval or app event decides them; a real run's waits take no test choice.
  if (!!run.test !== (via === "test")) return { accepted: false, duplicate: false };
  // One instant for the check and the stored signal: both sides of the deadline agree.
  const at = new Date();
  const deadline = await getWaitDeadline({ runId, stepId });
  if (deadline && at.getTime() > Date.parse(deadline)) {
    return { accepted: false, duplicate: false };
  }
  const signal = { via, data: payload ?? null };
  const stored = await putWaitSignal({ runId, stepId, payload: signal, at });
  if (stored.consumed) return { accepted: false, duplicate: !stored.stored };
  // A repeated signal still re-sends the wake-up events (the first call may have died before
  // sending them); the stored payload stays the first one.
  const decision = decisionOf(signal, run.userId);
  await appendRunEvent({
    runId,
    key: `${stepId}:signal`,
    stepId,
    message: `${stepId} received a signal (${via})`,
    // What the run card shows ("Approved by you at 14:02") before the wait's `:done` ran.
    data: { via, armed: stored.armed, ...decision, at: at.toISOString() },
  });
  await client.send([
    waitResumed.create({ runId, stepId, payload: signal }),
    waitSignaled.create({ runId, stepId }),
  ]);
  return { accepted: true, duplicate: !stored.stored, signaledAt: at.toISOString() };
}

/**
 * The one way a person's decision reaches a wait (the resume link's POST, the run card's
 * buttons, the chat's "approve it"): refused with a 409 saying why when the wait no longer
 * takes one (decided already, expired, the run cancelled or finished, the step skipped), else
 * stored once. `details.state` of the 409 names the case.
 */
export async function decideWait({
  run,
  stepId,
  payload,
  via,
  viewerIsOwner = false,
  client = appClient,
}: {
  run: Run;
  stepId: string;
  payload?: unknown;
  via: "url" | "approval";
  viewerIsOwner?: boolean;
  client?: Sender;
}): Promise<{ accepted: true; duplicate: false; decidedAt: string }> {
  if (run.test) {
    throw new AppError(
      "conflict:run",
      "This is a test run: pick how its waits go on the test's card.",
      { state: "test" },
    );
  }
  const wait = await readWait(run, stepId);
  if (!wait) throw new AppError("not_found:run", "This run has no such wait step.");
  if (wait.state !== "open") throw refusal(wait, { viewerIsOwner });
  const result = await signalWait({ runId: run.id, stepId, payload, via, client });
  if (result.accepted && !result.duplicate && result.signaledAt) {
    return { accepted: true, duplicate: false, decidedAt: result.signaledAt };
  }
  // Someone decided first, the run ended or the deadline passed in between.
  const fresh = await getRunById({ runId: run.id });
  const now = fresh ? await readWait(fresh, stepId) : undefined;
  if (now && now.state !== "open") throw refusal(now, { viewerIsOwner });
  throw new AppError("conflict:run", "This wait no longer takes a decision.", {
    state: "finished",
  });
}

/**
 * Approves or rejects a run's `wait.approval` step (or ends another wait early), as its owner:
 * from the thread's run card, or from the chat (`from: "chat"`).
 */
export async function answerApproval({
  userId,
  runId,
  stepId,
  approved,
  comment,
  from = "thread",
  client = appClient,
}: {
  userId: string;
  runId: string;
  stepId: string;
  approved: boolean;
  comment?: string;
  from?: "thread" | "chat";
  client?: Sender;
}) {
  const run = await getRunForOwner({ runId, userId });
  if (!run) throw notFound();
  return decideWait({
    run,
    stepId,
    payload: { approved, by: userId, from, ...(comment ? { comment } : {}) },
    via: "approval",
    viewerIsOwner: true,
    client,
  });
}

/**
 * Cancels the caller's run: stops the engine run, records the run as cancelled (its attempts
 * under way with it); the child runs its `workflow.run` units are running follow through the
 * cancel event (inngest/functions/cancel-child-runs.ts), each "Cancelled with its parent run". The
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
  return cancelOwnedRun({ run, client });
}

/**
 * Stops a run for its workflow's limits (lib/runs/run-limits.ts): a singleton "replace" ends
 * the run going as cancelled, a run past its time limit ends as failed; either way with the
 * reason, the engine run stopped and its units in flight cut like a cancel's, and its child
 * runs cancelled with it like a cancel's.
 */
export async function stopRunForLimit({
  runId,
  end,
  client = appClient,
}: {
  runId: string;
  end: RunEnd;
  client?: Sender;
}): Promise<{ cancelled: boolean; status: string }> {
  const run = await getRunById({ runId });
  if (!run) return { cancelled: false, status: "missing" };
  return cancelOwnedRun({ run, client, end });
}

/** How a stopped run ends: cancelled (the default) or failed, with the reason. */
type RunEnd = {
  status: "cancelled" | "failed";
  error: { message: string; timedOut?: boolean };
};

async function cancelOwnedRun({
  run,
  client,
  end,
}: {
  run: Run;
  client: Sender;
  end?: RunEnd;
}): Promise<{ cancelled: boolean; status: string }> {
  const { id: runId, userId } = run;
  if (isTerminal(run.status)) {
    return { cancelled: false, status: run.status };
  }
  // The cancel event stops the engine run, and its child runs with it (the cancel-child-runs
  // function, lib/runs/child-cancel.ts: durable, recursive, each child with the reason).
  await client.send(
    runCancelRequested.create({ runId, userId, ...(end ? { reason: end.error.message } : {}) }),
  );
  const changed = await recordRunFinished({
    runId,
    status: end?.status ?? "cancelled",
    ...(end ? { error: end.error, stopUnits: true } : {}),
  });
  return { cancelled: changed, status: changed ? "cancelled" : run.status };
}
