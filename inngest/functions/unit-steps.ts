// Task units (every action that is not a wait or workflow.run): one durable step per unit (a
// plan step or one loop item), its id the unit id. `executeTaskUnit` is what runs INSIDE
// `step.run`: secrets are resolved there, so they never enter memoized state; every attempt
// is recorded; the outcome that Inngest memoizes is small (large outputs are stored in
// run_outputs and referenced).
import "server-only";
import { type GetStepTools, type Inngest, NonRetriableError, RetryAfterError } from "inngest";
import type { ActionContext, ActionDeclaration } from "@/lib/actions/define-action";
import type { ActionRegistry } from "@/lib/actions/registry";
import {
  ActionError,
  cancellationOf,
  NonRetriableActionError,
  RunCancelledError,
  toActionError,
} from "@/lib/actions/runtime/errors";
import { withoutDatabaseDetails } from "@/lib/db/errors";
import { loadRunOutput } from "@/lib/db/run-queries";
import { parseDuration } from "@/lib/plan/duration";
import { effectOf, isSimulated, type WouldSend } from "@/lib/plan/effects";
import { type ReadyUnit, resolveUnitInput, type UnitResult } from "@/lib/plan/progress";
import { type CancelWatch, watchRunCancel } from "@/lib/runs/cancel-watch";
import {
  errorRecord,
  recordAttemptCancelled,
  recordAttemptFinished,
  recordAttemptStarted,
} from "@/lib/runs/records";
import {
  INLINE_OUTPUT_MAX_BYTES,
  isOutputRef,
  jsonBytes,
  type OutputRef,
  retryDelayMs,
} from "@/lib/runs/summary";
import { noRedaction, type Redactor } from "@/lib/secrets/redact";
import type { LaterRecord, RecordsBehind } from "./records-behind";

export type ContextOptions = {
  runId: string;
  workflowId: string;
  userId: string;
  threadId?: string;
  stepId: string;
  unitId: string;
  attempt: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * What the units run by one call of the function may share (the person's secrets, read
   * once per call instead of once per unit); kept in memory for that call only.
   */
  shared?: Map<string, Promise<unknown>>;
};

/** Builds an action's context inside the step, with the person's secrets decrypted. */
export type ContextFactory = (
  options: ContextOptions,
) => Promise<{ context: ActionContext; secrets: Record<string, string> }>;

export type RunInfo = {
  runId: string;
  workflowId: string;
  userId: string;
  threadId?: string;
};

/**
 * A test run's units: side effects simulated (lib/actions `simulate`), reads run for real.
 * `userEmail` tells an email to the person from one that reaches someone else.
 */
export type TestMode = { userEmail?: string };

/**
 * What a task step memoizes: its output (or a reference to it), and `later` when its record
 * was written behind the step (records-behind.ts).
 */
export type TaskOutcome = { output: unknown; later?: LaterRecord };

/** A failure as a unit result states it: the message, database details left out. */
export function messageOf(thrown: unknown): string {
  const error = withoutDatabaseDetails(thrown);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Outputs too large to memoize come back from run_outputs, each read once per function call
 * (the run's outputs are the same on every replay).
 */
export function createOutputLoader(runId: string) {
  const stored = new Map<string, unknown>();
  return async (unitId: string, output: unknown): Promise<unknown> => {
    if (!isOutputRef(output)) return output;
    if (!stored.has(unitId)) stored.set(unitId, await loadRunOutput({ runId, unitId }));
    return stored.get(unitId);
  };
}

/** What a step memoizes of an output: itself, or a reference to run_outputs when too large. */
export function carriedOutput(unitId: string, output: unknown): unknown {
  const bytes = jsonBytes(output);
  return bytes > INLINE_OUTPUT_MAX_BYTES
    ? ({ $outputRef: unitId, bytes } satisfies OutputRef)
    : output;
}

/** A task unit as the durable step `<unit>`; its failure (after retries) is the unit's result. */
export async function runTaskUnit(args: {
  step: GetStepTools<Inngest.Any>;
  run: RunInfo;
  unit: ReadyUnit;
  registry: ActionRegistry;
  engineAttempt: number;
  createContext: ContextFactory;
  loadOutput: ReturnType<typeof createOutputLoader>;
  /** A test run: simulate what is not a read. */
  test?: TestMode;
  /** Shared by the units of this call (ContextOptions.shared). */
  shared?: Map<string, Promise<unknown>>;
  /** This call's records written behind their steps; without it every record is awaited. */
  behind?: RecordsBehind;
}): Promise<UnitResult> {
  const { step, run, unit } = args;
  const action = args.registry.get(unit.step.action);
  if (!action) {
    return { status: "failed", error: { message: `unknown action "${unit.step.action}"` } };
  }
  let outcome: TaskOutcome;
  try {
    outcome = await step.run(unit.id, () =>
      executeTaskUnit({
        run,
        unit,
        action,
        engineAttempt: args.engineAttempt,
        createContext: args.createContext,
        test: args.test,
        shared: args.shared,
        behind: args.behind,
      }),
    );
  } catch (error) {
    // The run was cancelled under this unit: nothing after it may run, even when the engine
    // has not applied the cancel yet (its cancelOn and this step's end race).
    if (isRunCancelledFailure(error)) throw new NonRetriableError(RUN_CANCELLED_MESSAGE);
    return { status: "failed", error: { message: messageOf(error) } };
  }
  args.behind?.seen(unit.id, outcome);
  return { status: "succeeded", output: await args.loadOutput(unit.id, outcome.output) };
}

/** What a unit stopped by its run's cancel ends its step with (not a failure of the unit). */
export const RUN_CANCELLED_MESSAGE = "the run was cancelled";

/** A step that ended because its run was cancelled (as thrown, or as memoized by Inngest). */
export function isRunCancelledFailure(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | null)?.cause;
  return (
    (error as Error | null)?.message === RUN_CANCELLED_MESSAGE &&
    cause?.name === "RunCancelledError"
  );
}

function timeoutError(ms: number): ActionError {
  return new ActionError(`timed out after ${Math.round(ms / 100) / 10}s`, {
    code: "timeout",
    retriable: true,
  });
}

/**
 * Runs `work` with the unit's signal, aborted by the step's timeout (a retriable `timeout`
 * error) or by the run's cancel (`RunCancelledError`, the reason of `cancelled`); either
 * ends the attempt at once, whether or not the action stops on its signal.
 */
async function withSignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
  { timeoutMs, cancelled }: { timeoutMs: number | undefined; cancelled: AbortSignal },
): Promise<T> {
  if (cancelled.aborted) throw cancelled.reason;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onCancel = () => {};
  const stopped = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    onCancel = () => stop(cancelled.reason);
    cancelled.addEventListener("abort", onCancel, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => stop(timeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    cancelled.removeEventListener("abort", onCancel);
  }
}

/**
 * One attempt of a task unit. Retries follow the plan step's policy with Inngest's own retry
 * machinery: the function allows MAX_RETRY_ATTEMPTS, a failed attempt that may be retried
 * throws RetryAfterError with the plan's backoff delay, and the last permitted attempt (or an
 * error no retry can fix) throws NonRetriableError, so Inngest memoizes the failure.
 */
export async function executeTaskUnit(args: {
  run: RunInfo;
  unit: ReadyUnit;
  action: ActionDeclaration;
  /** Inngest's 0-based attempt for this step. */
  engineAttempt: number;
  createContext: ContextFactory;
  /** How the unit learns its run was cancelled (default: the database, see cancel-watch). */
  watchCancel?: (runId: string, options?: { readStatus?: boolean }) => Promise<CancelWatch>;
  /** A test run: simulate what is not a read. */
  test?: TestMode;
  /** Shared by the units of this call (ContextOptions.shared). */
  shared?: Map<string, Promise<unknown>>;
  /** Where a quick read's record goes when it is written behind the step. */
  behind?: RecordsBehind;
}): Promise<TaskOutcome> {
  const { run, unit, action } = args;
  const attempt = args.engineAttempt + 1;
  const maxAttempts = unit.step.retry?.attempts ?? 1;
  const timeoutMs = unit.step.timeout ? parseDuration(unit.step.timeout) : undefined;
  const startedAt = new Date();
  // Errors from around the action (context, bindings, records, the timeout) are redacted on
  // the way out; the action's own already were (toActionError leaves those as they are).
  let redactor: Redactor = noRedaction;
  const start: DeferredStart = {};
  // Before anything runs: a run cancelled already never starts an action that changes
  // something. The status is read by the attempt's first record (one statement), after the
  // watch is in place; an action that only reads may run, and its end's record says the
  // run was cancelled (the attempt ends cancelled, its output unused).
  const watch = await (args.watchCancel ?? watchRunCancel)(run.runId, { readStatus: false });
  const stops = { timeoutMs, cancelled: watch.signal };
  try {
    return await withSignals(async (signal) => {
      const { context, secrets } = await args.createContext({
        ...run,
        stepId: unit.stepId,
        unitId: unit.id,
        attempt,
        timeoutMs,
        signal,
        shared: args.shared,
      });
      redactor = context.redactor;
      let input: Record<string, unknown>;
      try {
        input = await resolveUnitInput(unit, { secrets, now: startedAt.toISOString() });
      } catch (error) {
        throw new NonRetriableActionError(
          `input could not be computed: ${(error as Error).message}`,
          { code: "invalid_input" },
        );
      }
      const recordStart = () =>
        recordAttemptStarted({
          runId: run.runId,
          unitId: unit.id,
          attempt,
          input: context.redactor.value(input),
          startedAt,
        });
      if (!args.test && effectOf({ get: () => action }, action.id, input).class === "reads") {
        // Changes nothing: runs at once, and its start is recorded with its end when it
        // ends quickly (one statement), else as soon as it is seen to take a while.
        start.input = context.redactor.value(input);
        start.timer = setTimeout(() => {
          start.written = recordStart();
          start.written.catch(() => {});
        }, unitRecordSettings.startDelayMs);
      } else {
        const started = await recordStart();
        if (started === "cancelled") throw new RunCancelledError();
      }
      const simulation = args.test ? await simulated(action, input, context, args.test) : null;
      if (simulation) {
        const recorded = await recordAttemptFinished({
          runId: run.runId,
          unitId: unit.id,
          attempt,
          status: "succeeded",
          output: simulation.output,
          simulated: simulation.wouldSend,
          startedAt,
          finishedAt: new Date(),
          refreshStatus: false,
        });
        if (recorded === "cancelled") throw new RunCancelledError();
        return { output: carriedOutput(unit.id, simulation.output) };
      }
      if (!action.run) {
        throw new NonRetriableActionError(
          `${action.id} cannot run here: it has no implementation`,
          { code: "not_configured" },
        );
      }
      // The registry's `run` is withRun's: it parses the input against the action's schema
      // and redacts the output and errors, so neither happens again here.
      const output = (await action.run(input, context)) ?? null;
      // recordAttemptFinished stores an output bigger than its summary in run_outputs; one
      // too large for the engine's step state is carried as a reference to it.
      const carried = carriedOutput(unit.id, output);
      const ended = {
        runId: run.runId,
        unitId: unit.id,
        attempt,
        status: "succeeded" as const,
        output,
        startedAt,
        finishedAt: new Date(),
        refreshStatus: false,
      };
      // A quick read whose start is not written yet and whose output the step carries itself:
      // its record is written behind the step, while the engine checkpoints it.
      clearTimeout(start.timer);
      if (args.behind && start.input !== undefined && !start.written && carried === output) {
        const later: LaterRecord = {
          attempt,
          startedAt: startedAt.toISOString(),
          finishedAt: ended.finishedAt.toISOString(),
        };
        const started = { input: start.input };
        start.input = undefined;
        args.behind.write({ unitId: unit.id, output, later }, () =>
          recordAttemptFinished({ ...ended, started }),
        );
        return { output: carried, later };
      }
      const recorded = await recordAttemptFinished({
        ...ended,
        ...(await startNotRecorded(start)),
      });
      // Finished, but after the run was cancelled: recorded as cancelled, and so it ends.
      if (recorded === "cancelled") throw new RunCancelledError();
      return { output: carried };
    }, stops);
  } catch (thrown) {
    const cancelled =
      cancellationOf(watch.signal) ?? (thrown instanceof RunCancelledError ? thrown : undefined);
    if (cancelled) {
      // Not a failure and never retried: the attempt (if it had started) ends as cancelled. A
      // read whose start was not written yet is written now, cancelled, with its input.
      const { started } = await startNotRecorded(start);
      await recordAttemptCancelled({
        runId: run.runId,
        unitId: unit.id,
        attempt,
        ...(started ? { started: { input: started.input, startedAt } } : {}),
      });
      throw new NonRetriableError(RUN_CANCELLED_MESSAGE, { cause: cancelled.toJSON() });
    }
    const error = toActionError(thrown, redactor);
    const willRetry = error.retriable && attempt < maxAttempts;
    const delayMs = willRetry
      ? (error.retryAfterMs ??
        retryDelayMs(
          {
            backoff: unit.step.retry?.backoff,
            delayMs: unit.step.retry?.delay ? parseDuration(unit.step.retry.delay) : undefined,
          },
          attempt,
        ))
      : 0;
    const finishedAt = new Date();
    const recorded = await recordAttemptFinished({
      runId: run.runId,
      unitId: unit.id,
      attempt,
      status: "failed",
      error: errorRecord(error),
      startedAt,
      finishedAt,
      willRetry,
      // The run card says when the next try is due ("retrying at 07:30:04, attempt 2 of 3").
      nextAttemptAt: willRetry ? new Date(finishedAt.getTime() + delayMs) : undefined,
      refreshStatus: false,
      ...(await startNotRecorded(start)),
    });
    if (recorded === "cancelled") {
      // The run was cancelled as this attempt failed: no retry, it ends as cancelled.
      throw new NonRetriableError(RUN_CANCELLED_MESSAGE, {
        cause: new RunCancelledError().toJSON(),
      });
    }
    if (willRetry) {
      throw new RetryAfterError(error.message, delayMs, { cause: error.toJSON() });
    }
    throw new NonRetriableError(error.message, { cause: error.toJSON() });
  } finally {
    watch.stop();
  }
}

/**
 * How long a unit that changes nothing runs before its start is recorded on its own: one that
 * ends sooner (most transforms and reads) has start and end recorded in one statement; a live
 * view shows a longer one running from then on.
 */
export const START_RECORD_DELAY_MS = 50;

/** The delay in use (tests lengthen it to cancel a unit whose start is not written yet). */
export const unitRecordSettings = { startDelayMs: START_RECORD_DELAY_MS };

/** The start of a unit that changes nothing: recorded later, or with its end. */
type DeferredStart = {
  /** The input as recorded (redacted); set once the unit's start was deferred. */
  input?: unknown;
  timer?: NodeJS.Timeout;
  /** The start's own record, once the unit was seen to take a while. */
  written?: Promise<unknown>;
};

/**
 * Settles a deferred start before the attempt's end is written (never after it, or the start
 * would overwrite the end): what the end's record must add, `started`, when the start was not
 * written on its own.
 */
async function startNotRecorded(start: DeferredStart): Promise<{ started?: { input: unknown } }> {
  clearTimeout(start.timer);
  start.timer = undefined;
  if (start.input === undefined) return {};
  const written = start.written
    ? await start.written.then(
        () => true,
        () => false,
      )
    : false;
  // Written on its own: the end's record adds nothing. Not written (or that write failed):
  // the end's record writes the input and start time with the end, and its one entry.
  const input = start.input;
  start.input = undefined;
  return written ? {} : { started: { input } };
}

/** The largest text a simulated step keeps of what it would send (its body, its payload). */
const WOULD_SEND_TEXT_MAX = 4000;

/** What a test run records instead of running the unit, or null when the unit only reads. */
async function simulated(
  action: ActionDeclaration,
  input: Record<string, unknown>,
  context: ActionContext,
  test: TestMode,
): Promise<{ wouldSend: WouldSend; output: unknown } | null> {
  const effect = effectOf({ get: () => action }, action.id, input, { userEmail: test.userEmail });
  if (!isSimulated(effect)) return null;
  // An action without a simulation of its own is never run in a test: its input is what it
  // would have used.
  const simulation = action.simulate
    ? await action.simulate(input, context)
    : {
        wouldSend: {
          kind: effect.kind,
          summary: `${effect.does} (not run in a test)`,
          payload: context.redactor.value(input),
        },
        output: null,
      };
  // A simulation that says this input only reads (an MCP tool marked read-only) runs for real.
  if (simulation === null) return null;
  return {
    wouldSend: clipWouldSend({
      ...simulation.wouldSend,
      ...(effect.outside ? { outside: true } : {}),
    }),
    output: simulation.output ?? null,
  };
}

/** Keeps what a step would send readable and within its row: long bodies and payloads cut. */
function clipWouldSend(wouldSend: WouldSend): WouldSend {
  const clipped = { ...wouldSend };
  if (clipped.body && clipped.body.length > WOULD_SEND_TEXT_MAX) {
    clipped.body = `${clipped.body.slice(0, WOULD_SEND_TEXT_MAX)}… (${clipped.body.length} characters)`;
  }
  if (clipped.payload !== undefined && jsonBytes(clipped.payload) > WOULD_SEND_TEXT_MAX) {
    const text = JSON.stringify(clipped.payload);
    clipped.payload = `${text.slice(0, WOULD_SEND_TEXT_MAX)}… (${text.length} characters of JSON)`;
  }
  return clipped;
}
