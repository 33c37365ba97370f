// What the interpreter writes about a run, from inside its durable steps: step attempts and
// the event log. Every write has a stable key, so a retried or replayed step rewrites the same
// rows instead of adding new ones.
import "server-only";
import { withoutDatabaseDetails } from "@/lib/db/errors";
import {
  appendRunEvent,
  type CancelledAttempt,
  cancelStepAttempt,
  finishRun,
  getRunById,
  markRunStarted,
  refreshRunStatus,
  saveRunOutput,
  upsertStepAttempt,
  upsertStepAttemptLogged,
} from "@/lib/db/run-queries";
import { logError } from "@/lib/log";
import { jsonBytes, SUMMARY_MAX_BYTES, summarize, truncateMessage } from "./summary";
import { postRunSummary } from "./thread-messages";

/** `fetch` → { stepId: "fetch", iteration: -1 }; `fetch#3` → { stepId: "fetch", iteration: 3 }. */
export function splitUnitId(unitId: string): { stepId: string; iteration: number } {
  const hash = unitId.indexOf("#");
  if (hash === -1) return { stepId: unitId, iteration: -1 };
  return { stepId: unitId.slice(0, hash), iteration: Number(unitId.slice(hash + 1)) };
}

export type RecordedError = {
  message: string;
  code?: string;
  name?: string;
  /** A failed attempt that will be retried: when the next attempt is due (ISO). */
  nextAttemptAt?: string;
};

export function errorRecord(thrown: unknown): RecordedError {
  const error = withoutDatabaseDetails(thrown);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      message: truncateMessage(error.message || error.name),
      name: error.name,
      ...(typeof code === "string" ? { code } : {}),
    };
  }
  return { message: truncateMessage(String(error)) };
}

export async function recordRunStarted(runId: string, engineRunId?: string) {
  const run = await markRunStarted({ runId, engineRunId });
  await appendRunEvent({
    runId,
    key: "run:started",
    message: "Run started",
    data: { status: "running", engineRunId },
  });
  return run;
}

export async function recordAttemptStarted(args: {
  runId: string;
  unitId: string;
  attempt: number;
  input?: unknown;
  startedAt: Date;
  status?: "running" | "waiting";
  /** A wait: when it gives up (ISO), for the card's "until …". */
  deadline?: string | null;
}) {
  const { stepId, iteration } = splitUnitId(args.unitId);
  const status = args.status ?? "running";
  const event = startedEvent({ ...args, status }, stepId, iteration);
  const row = {
    runId: args.runId,
    stepId,
    iteration,
    attempt: args.attempt,
    input: args.input === undefined ? undefined : summarize(args.input),
    startedAt: args.startedAt,
  };
  if (status === "running") {
    // The hot path: row, entry and notification in one statement. An attempt of a run
    // cancelled already is not written: it never starts (the caller learns it here).
    return upsertStepAttemptLogged({ ...row, status, skipIfCancelled: true }, event);
  }
  const written = await upsertStepAttempt({ ...row, status });
  await appendRunEvent({ runId: args.runId, ...event });
  await refreshRunStatus({ runId: args.runId });
  return written;
}

/** `<unit> started` (`waiting`): the log entry of an attempt's start. */
function startedEvent(
  args: {
    unitId: string;
    attempt: number;
    status: "running" | "waiting";
    deadline?: string | null;
  },
  stepId: string,
  iteration: number,
) {
  const waiting = args.status === "waiting";
  return {
    key: `${args.unitId}:a${args.attempt}:${waiting ? "waiting" : "started"}`,
    stepId,
    message: waiting
      ? `${args.unitId} waiting`
      : `${args.unitId} started${args.attempt > 1 ? ` (attempt ${args.attempt})` : ""}`,
    data: {
      unitId: args.unitId,
      iteration,
      attempt: args.attempt,
      status: args.status,
      ...(args.deadline ? { deadline: args.deadline } : {}),
    },
  };
}

/**
 * An output bigger than its row's summary is stored whole in run_outputs (the row keeps the
 * summary): a re-run reuses it from there, and the interpreter reads outputs too large for the
 * engine's step state from there.
 */
async function keepFullOutput(runId: string, unitId: string, output: unknown) {
  const size = jsonBytes(output ?? null);
  if (size > SUMMARY_MAX_BYTES) await saveRunOutput({ runId, unitId, value: output, size });
}

export async function recordAttemptFinished(args: {
  runId: string;
  unitId: string;
  attempt: number;
  status: "succeeded" | "failed";
  output?: unknown;
  error?: RecordedError;
  startedAt?: Date;
  finishedAt: Date;
  /** For a failed attempt: whether another attempt follows. */
  willRetry?: boolean;
  /** For a failed attempt that will be retried: when the next attempt is due. */
  nextAttemptAt?: Date;
  /** A test run's simulated unit: what it would have sent (its output is the stand-in). */
  simulated?: unknown;
  /** False when the attempt was never `waiting` (a task): the run's status cannot change. */
  refreshStatus?: boolean;
  /**
   * The attempt's start was not recorded (a quick unit that changes nothing outside): its
   * input and start time are written now with its end, in the same statement; its one log
   * entry says how it ended and how long it took.
   */
  started?: { input: unknown };
}): Promise<"succeeded" | "failed" | "cancelled"> {
  const { stepId, iteration } = splitUnitId(args.unitId);
  if (args.status === "succeeded") await keepFullOutput(args.runId, args.unitId, args.output);
  // The failed attempt's row carries when the next one is due, so a view needs no log entry.
  const error =
    args.error && args.willRetry && args.nextAttemptAt
      ? { ...args.error, nextAttemptAt: args.nextAttemptAt.toISOString() }
      : args.error;
  const durationMs = args.startedAt
    ? args.finishedAt.getTime() - args.startedAt.getTime()
    : undefined;
  const event = {
    key: `${args.unitId}:a${args.attempt}:${args.status}`,
    stepId,
    level: (args.status === "failed" ? (args.willRetry ? "warn" : "error") : "info") as
      | "warn"
      | "error"
      | "info",
    message:
      args.status === "succeeded"
        ? args.simulated !== undefined
          ? `${args.unitId} simulated (nothing was sent)`
          : `${args.unitId} succeeded`
        : `${args.unitId} failed${args.willRetry ? ", will retry" : ""}: ${args.error?.message ?? "error"}`,
    data: {
      unitId: args.unitId,
      iteration,
      attempt: args.attempt,
      status: args.status,
      durationMs,
      ...(args.simulated !== undefined ? { simulated: true } : {}),
      // The output is the attempt's row's (run_steps.output): stored once, not copied here.
      ...(error ? { error, willRetry: !!args.willRetry } : {}),
    },
  };
  // Row, entry and notification in one statement.
  const recorded = await upsertStepAttemptLogged(
    {
      runId: args.runId,
      stepId,
      iteration,
      attempt: args.attempt,
      status: args.status,
      ...(args.started ? { input: summarize(args.started.input) } : {}),
      output: args.status === "succeeded" ? summarize(args.output) : undefined,
      error,
      startedAt: args.startedAt,
      finishedAt: args.finishedAt,
      ...(args.simulated !== undefined ? { simulated: summarize(args.simulated) } : {}),
    },
    event,
  );
  if (recorded === "cancelled") {
    // The run was cancelled first: whatever the attempt did after that does not count. An
    // attempt whose start was written has its entry from the cancel already (this one is
    // then skipped by its key); one whose start was not (a quick read) gets none after the
    // cancel's last line, which speaks for it.
    if (!args.started) {
      await appendRunEvent({
        runId: args.runId,
        ...cancelledEvent({ stepId, iteration, attempt: args.attempt, durationMs: null }),
      });
    }
    return "cancelled";
  }
  // A task's attempt was `running`, never `waiting`: the run's running ⇄ waiting is unchanged.
  if (args.refreshStatus === false) return args.status;
  await refreshRunStatus({ runId: args.runId });
  return args.status;
}

/** `<unit> cancelled`: the log entry of an attempt a cancel stopped (one per attempt). */
function cancelledEvent(attempt: CancelledAttempt) {
  const unitId = attempt.iteration >= 0 ? `${attempt.stepId}#${attempt.iteration}` : attempt.stepId;
  return {
    key: `${unitId}:a${attempt.attempt}:cancelled`,
    stepId: attempt.stepId,
    message: `${unitId} cancelled`,
    data: {
      unitId,
      iteration: attempt.iteration,
      attempt: attempt.attempt,
      status: "cancelled",
      ...(attempt.durationMs !== null ? { durationMs: attempt.durationMs } : {}),
    },
  };
}

/**
 * The unit running an attempt learned that its run was cancelled and stopped: the attempt
 * ends as `cancelled` (unless the cancel already ended it), with its `<unit> cancelled` entry.
 */
export async function recordAttemptCancelled(args: {
  runId: string;
  unitId: string;
  attempt: number;
  at?: Date;
  /**
   * The attempt's start was never written (a read cancelled before its start was due): its
   * row is written now, cancelled, with its input, start and end, so the run's steps show it
   * cut short. No entry of its own: the cancel's "Run cancelled" stays the log's last line
   * and speaks for it (as for a unit the cancel found running without a start entry).
   */
  started?: { input: unknown; startedAt: Date };
}): Promise<void> {
  const { stepId, iteration } = splitUnitId(args.unitId);
  if (args.started) {
    await upsertStepAttempt({
      runId: args.runId,
      stepId,
      iteration,
      attempt: args.attempt,
      status: "cancelled",
      input: summarize(args.started.input),
      startedAt: args.started.startedAt,
      finishedAt: args.at ?? new Date(),
    });
    return;
  }
  const cut = await cancelStepAttempt({
    runId: args.runId,
    stepId,
    iteration,
    attempt: args.attempt,
    at: args.at,
  });
  if (cut) await appendRunEvent({ runId: args.runId, ...cancelledEvent(cut) });
}

/**
 * A unit the run's progress decided without running it (skipped, or failed because its
 * condition or forEach could not be evaluated): one attempt 0 at `at`, and its event.
 */
async function recordDecidedUnit(
  args: { runId: string; unitId: string; at: Date },
  outcome:
    | { status: "skipped"; reason: string; cause: string }
    | { status: "failed"; message: string },
) {
  const { stepId, iteration } = splitUnitId(args.unitId);
  const skipped = outcome.status === "skipped";
  await upsertStepAttempt({
    runId: args.runId,
    stepId,
    iteration,
    attempt: 0,
    status: outcome.status,
    ...(skipped
      ? { output: { reason: outcome.reason, cause: outcome.cause } }
      : { error: { message: truncateMessage(outcome.message) } }),
    startedAt: args.at,
    finishedAt: args.at,
  });
  await appendRunEvent({
    runId: args.runId,
    key: `${args.unitId}:${skipped ? "skipped" : "decided-failed"}`,
    stepId,
    ...(skipped ? {} : { level: "error" as const }),
    message: skipped
      ? `${args.unitId} skipped: ${outcome.reason}`
      : `${args.unitId} failed: ${outcome.message}`,
    data: skipped
      ? {
          unitId: args.unitId,
          iteration,
          status: "skipped",
          reason: outcome.reason,
          cause: outcome.cause,
        }
      : { unitId: args.unitId, iteration, status: "failed", error: { message: outcome.message } },
  });
}

export function recordSkipped(args: {
  runId: string;
  unitId: string;
  reason: string;
  cause: string;
  at: Date;
}) {
  return recordDecidedUnit(args, { status: "skipped", reason: args.reason, cause: args.cause });
}

/** A failure decided by the run's progress (a condition or forEach that could not be evaluated). */
export function recordDecidedFailure(args: {
  runId: string;
  unitId: string;
  message: string;
  at: Date;
}) {
  return recordDecidedUnit(args, { status: "failed", message: args.message });
}

/** A loop step's items are known: how many, as one event (`data.items`). */
export async function recordLoopStarted(args: { runId: string; stepId: string; items: number }) {
  await appendRunEvent({
    runId: args.runId,
    key: `${args.stepId}:loop:started`,
    stepId: args.stepId,
    message: `${args.stepId} runs for ${args.items} item${args.items === 1 ? "" : "s"}`,
    data: { unitId: args.stepId, status: "running", items: args.items },
  });
}

/** A loop step's combined result (the list of item outputs) as one event. */
export async function recordLoopFinished(args: {
  runId: string;
  stepId: string;
  status: "succeeded" | "failed";
  items: number;
  message?: string;
}) {
  await appendRunEvent({
    runId: args.runId,
    key: `${args.stepId}:loop:${args.status}`,
    stepId: args.stepId,
    level: args.status === "failed" ? "error" : "info",
    message:
      args.status === "succeeded"
        ? `${args.stepId} finished ${args.items} items`
        : `${args.stepId} failed: ${args.message ?? "an item failed"}`,
    data: { unitId: args.stepId, status: args.status, items: args.items },
  });
}

/**
 * A re-run's unit that took the recorded output of the run it re-runs instead of running:
 * attempt 1, succeeded, `reused_from` the source run, the output kept like a success's; one
 * log entry ("fetch reused the output of run 1a2b3c4d").
 */
export async function recordReusedUnit(args: {
  runId: string;
  unitId: string;
  sourceRunId: string;
  output: unknown;
  at: Date;
}) {
  const { stepId, iteration } = splitUnitId(args.unitId);
  await keepFullOutput(args.runId, args.unitId, args.output);
  await upsertStepAttempt({
    runId: args.runId,
    stepId,
    iteration,
    attempt: 1,
    status: "succeeded",
    output: summarize(args.output),
    startedAt: args.at,
    finishedAt: args.at,
    reusedFrom: args.sourceRunId,
  });
  await appendRunEvent({
    runId: args.runId,
    key: `${args.unitId}:reused`,
    stepId,
    message: `${args.unitId} reused the output of run ${args.sourceRunId.slice(0, 8)}`,
    data: {
      unitId: args.unitId,
      iteration,
      attempt: 1,
      status: "succeeded",
      reused: true,
      reusedFrom: args.sourceRunId,
      durationMs: 0,
    },
  });
  await refreshRunStatus({ runId: args.runId });
}

/** The key of a run's last log entry, written once the run has ended. */
export const RUN_FINISHED_KEY = "run:finished";

/** A unit whose only attempt failed before it could start (its input, its wait, its child). */
export function recordStartFailed(args: {
  runId: string;
  unitId: string;
  error: unknown;
  startedAt: Date;
}) {
  return recordAttemptFinished({
    runId: args.runId,
    unitId: args.unitId,
    attempt: 1,
    status: "failed",
    error: errorRecord(args.error),
    startedAt: args.startedAt,
    finishedAt: new Date(),
  });
}

/**
 * A cancelled run's last log line: "Run cancelled", with its reason when it has one (a skip,
 * a replace, its parent's end: "Run cancelled with its parent run …").
 */
export function cancelledWords(reason: string | undefined): string {
  if (!reason) return "Run cancelled";
  if (reason.startsWith("Cancelled ")) return `Run c${reason.slice(1)}`;
  return `Run cancelled: ${reason}`;
}

export async function recordRunFinished(args: {
  runId: string;
  status: "succeeded" | "failed" | "cancelled";
  error?: { step?: string; message: string };
  output?: unknown;
  /**
   * The bulk action that ends the run (a bulk cancel): its log says so, and the thread gets no
   * summary of it (the action's one progress message stands for all its runs).
   */
  bulkActionId?: string;
  /** A failed run stopped from outside (its time limit): its units in flight end as on a cancel. */
  stopUnits?: boolean;
}) {
  const event = {
    key: RUN_FINISHED_KEY,
    level: args.status === "failed" ? ("error" as const) : ("info" as const),
    message:
      args.status === "succeeded"
        ? "Run succeeded"
        : args.status === "cancelled"
          ? cancelledWords(args.error?.message)
          : `Run failed${args.error?.step ? ` at ${args.error.step}` : ""}: ${args.error?.message ?? ""}`,
    data: {
      status: args.status,
      error: args.error,
      ...(args.bulkActionId ? { bulkActionId: args.bulkActionId } : {}),
    },
  };
  // The status and its event in one transaction: whoever sees the run ended sees how.
  const changed = await finishRun({
    runId: args.runId,
    status: args.status,
    error: args.error,
    output: args.output === undefined ? undefined : summarize(args.output),
    event,
    // A cancel ends the attempts under way with it, logged before the run's last entry.
    cancelledAttemptEvent: cancelledEvent,
    stopUnits: args.stopUnits,
  });
  // A retried step that finds the run already ended this way (the first attempt may have died
  // before the summary): the event's key keeps it to one, the summary's id likewise.
  const current = changed ? undefined : await getRunById({ runId: args.runId });
  if (!changed && current?.status === args.status) {
    await appendRunEvent({ runId: args.runId, ...event });
  }
  if (changed || current?.status === args.status) {
    // The conversation hears how it ended; a deleted thread must not fail the run record.
    await postRunSummary({ runId: args.runId, byBulkAction: Boolean(args.bulkActionId) }).catch(
      (error) => logError("[runs] could not post the run summary", error),
    );
  }
  return changed;
}
