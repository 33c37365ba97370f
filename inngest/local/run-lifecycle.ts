// Creating, resuming and ending runs. Every function here runs inside the caller's
// transaction, so a run's state change, its queue entries and the events it emits commit
// together or not at all.
import { evaluateExpression } from "./expressions";
import { ulid } from "./ids";
import type { EngineLogger, FunctionDef } from "./interfaces";
import { parseDuration } from "./protocol/durations";
import { deletePause } from "./sql/delete-pause";
import { deleteRunJobs } from "./sql/delete-run-jobs";
import { enqueueDiscoveryIfIdle } from "./sql/enqueue-discovery";
import { enqueueJob } from "./sql/enqueue-job";
import { enqueueRaceDiscovery } from "./sql/enqueue-race-discovery";
import { finishRun } from "./sql/finish-run";
import { insertEvents } from "./sql/insert-events";
import { insertPause } from "./sql/insert-pause";
import { insertRun } from "./sql/insert-run";
import { type LockedRun, lockRun } from "./sql/lock-run";
import { saveStep } from "./sql/save-step";
import { takeRunDefers } from "./sql/take-run-defers";
import type { Queryable } from "./sql-client";

export type LifecycleContext = {
  logger: EngineLogger;
  /** Runs after the transaction commits (logging, waking the dispatcher). */
  afterCommit: (fn: () => void) => void;
};

/** The run's concurrency keys: one per declared limit (at most two), in declaration order. */
function concurrencyOf(fn: FunctionDef, event: Record<string, unknown>) {
  return fn.concurrency.map((c) => {
    const value = c.key ? JSON.stringify(evaluateExpression(c.key, { event }) ?? null) : null;
    // "fn" keys are the function's own; "env" and "account" keys are shared by every
    // function declaring the same key (this executor is one environment of one account).
    const key =
      c.scope === "fn" ? (value === null ? fn.id : `${fn.id}:${value}`) : `${c.scope}:${value}`;
    return { key, limit: c.limit };
  });
}

/** `priority.run`: seconds (-600..600) the first call is moved ahead (or, negative, delayed). */
function prioritySeconds(expression: string, event: Record<string, unknown>): number {
  const value = Number(evaluateExpression(expression, { event }));
  if (!Number.isFinite(value)) return 0;
  return Math.max(-600, Math.min(600, Math.trunc(value)));
}

export type CreateRunOptions = {
  /** When the first call is due (a throttled start); default now. */
  runAt?: number;
  /** `singleton`: the insert yields to an active run holding this key. */
  singletonKey?: string;
  /** `batchEvents`: the batch's events (`event` is the first). */
  events?: Record<string, unknown>[];
};

/**
 * Creates a run with its first call and its cancellations and timeouts. Undefined when a
 * singleton key is given and an active run already holds it.
 */
export async function createRun(
  q: Queryable,
  ctx: LifecycleContext,
  fn: FunctionDef,
  event: { id: string; payload: Record<string, unknown> },
  parent?: { runId: string; step: string },
  options: CreateRunOptions = {},
): Promise<string | undefined> {
  const runId = ulid();
  const [first, second] = fn.concurrency.length ? concurrencyOf(fn, event.payload) : [];
  const now = Date.now();
  let runAt = options.runAt;
  if (fn.flow?.priority) {
    const seconds = prioritySeconds(fn.flow.priority, event.payload);
    // A throttled start keeps its time unless priority delays it further.
    if (runAt === undefined || runAt <= now) runAt = now - seconds * 1000;
    else if (seconds < 0) runAt -= seconds * 1000;
  }
  const inserted = await insertRun(q, {
    id: runId,
    functionId: fn.id,
    appId: fn.appId,
    eventId: event.id,
    event: event.payload,
    concurrencyKey: first?.key ?? null,
    concurrencyLimit: first?.limit ?? null,
    concurrencyKey2: second?.key ?? null,
    concurrencyLimit2: second?.limit ?? null,
    singletonKey: options.singletonKey ?? null,
    runAt: runAt ?? null,
    events: options.events ?? null,
    parentRunId: parent?.runId,
    parentStep: parent?.step,
    jobId: ulid(),
  });
  if (!inserted) return undefined;
  for (const [i, cancel] of fn.cancel.entries()) {
    const timeout = cancel.timeout ? parseDuration(cancel.timeout) : undefined;
    await insertPause(q, {
      id: `${runId}:cancel:${i}`,
      kind: "cancel",
      run_id: runId,
      step: null,
      eventName: cancel.event,
      expression: cancel.if ?? null,
      expiresAt: timeout === undefined ? null : now + timeout,
    });
  }
  const timeouts = fn.flow?.timeouts;
  if (timeouts) await armRunTimeouts(q, runId, timeouts, fn.config, now);
  ctx.afterCommit(() =>
    ctx.logger.info(`run ${runId} started`, { function: fn.id, event: event.payload.name }),
  );
  return runId;
}

/**
 * `timeouts`: one timer per bound. The finish timer first fires `finish` from now (the
 * earliest the run could be due) and then re-arms itself from the run's real start.
 */
async function armRunTimeouts(
  q: Queryable,
  runId: string,
  timeouts: NonNullable<NonNullable<FunctionDef["flow"]>["timeouts"]>,
  config: Record<string, unknown>,
  now: number,
) {
  const declared = (config.timeouts ?? {}) as { start?: string; finish?: string };
  for (const bound of ["start", "finish"] as const) {
    const ms = bound === "start" ? timeouts.startMs : timeouts.finishMs;
    if (!ms) continue;
    await enqueueJob(q, {
      kind: "run_timeout",
      runId,
      payload: { bound, ms, declared: declared[bound] ?? `${ms}ms` },
      runAt: now + ms,
      key: `timeout:${bound}:${runId}`,
    });
  }
}

/** Gives a paused or sleeping step its result and continues the run when nothing else pends. */
export async function resumeStep(
  q: Queryable,
  runId: string,
  step: string,
  output: unknown,
  {
    status = "completed",
    race = false,
  }: {
    status?: "completed" | "failed";
    /** The step (a sleep, wait or invoke) was planned in race mode: nothing joins it. */
    race?: boolean;
  } = {},
): Promise<void> {
  await saveStep(q, { runId, hash: step, status, output });
  if (await enqueueDiscoveryIfIdle(q, runId)) return;
  // Planned in race mode, or beside race-mode branches still running: the function goes on
  // now, whatever else of it is still pending (another wait, a sleep, a slower step).
  await enqueueRaceDiscovery(q, runId, { ifRacing: !race });
}

async function settleParent(q: Queryable, run: LockedRun, memo: unknown) {
  if (!run.parent_run_id || !run.parent_step) return;
  const pauseId = `${run.parent_run_id}:invoke:${run.parent_step}`;
  // Child before parent: the only order in which two runs are ever locked together.
  const parent = await lockRun(q, run.parent_run_id);
  if (!parent || (parent.status !== "queued" && parent.status !== "running")) return;
  const pause = await deletePause(q, pauseId);
  if (!pause) return;
  await deleteRunJobs(q, run.parent_run_id, "invoke_timeout", run.parent_step);
  await resumeStep(q, run.parent_run_id, run.parent_step, memo, { race: pause.race });
}

export async function completeRun(
  q: Queryable,
  ctx: LifecycleContext,
  run: LockedRun,
  output: unknown,
): Promise<void> {
  await finishRun(q, run.id, { status: "completed", output: output ?? null });
  await insertEvents(q, [
    {
      name: "inngest/function.finished",
      data: {
        function_id: run.function_id,
        run_id: run.id,
        correlation_id: correlationOf(run),
        result: output ?? null,
      },
    },
  ]);
  await settleParent(q, run, { data: output ?? null });
  await startDefers(q, run);
  ctx.afterCommit(() => ctx.logger.info(`run ${run.id} completed`, { function: run.function_id }));
}

/** The event that starts a `createDefer` function (its trigger matches `_inngest.fn_slug`). */
export const DEFERRED_SCHEDULE_EVENT = "inngest/deferred.schedule";

/**
 * `defer()`: once a run completes or fails, each defer it added and did not abort starts its
 * target through an `inngest/deferred.schedule` event: the defer's input with `_inngest`
 * naming the target and the parent, and its `meta` (the sessions the deferred run inherits).
 * A cancelled run starts none.
 */
async function startDefers(q: Queryable, run: LockedRun) {
  const due = await takeRunDefers(q, run.id);
  if (!due.length) return;
  await insertEvents(
    q,
    due.map((d) => ({
      name: DEFERRED_SCHEDULE_EVENT,
      data: {
        ...(d.input && typeof d.input === "object" && !Array.isArray(d.input)
          ? (d.input as Record<string, unknown>)
          : {}),
        _inngest: {
          fn_slug: d.fn_slug,
          parent_fn_slug: run.function_id,
          parent_run_id: run.id,
        },
      },
      ...(d.meta ? { meta: d.meta } : {}),
    })),
  );
}

function correlationOf(run: LockedRun) {
  return run.parent_run_id ? `${run.parent_run_id}.${run.parent_step}` : undefined;
}

export async function failRun(
  q: Queryable,
  ctx: LifecycleContext,
  run: LockedRun,
  error: unknown,
): Promise<void> {
  await finishRun(q, run.id, { status: "failed", error });
  await insertEvents(q, [
    {
      name: "inngest/function.failed",
      data: { function_id: run.function_id, run_id: run.id, error, event: run.event },
    },
    {
      name: "inngest/function.finished",
      data: {
        function_id: run.function_id,
        run_id: run.id,
        correlation_id: correlationOf(run),
        error,
      },
    },
  ]);
  await settleParent(q, run, { error });
  await startDefers(q, run);
  ctx.afterCommit(() =>
    ctx.logger.info(`run ${run.id} failed`, {
      function: run.function_id,
      error: (error as { message?: string })?.message,
    }),
  );
}

export async function cancelRun(
  q: Queryable,
  ctx: LifecycleContext,
  run: LockedRun,
  reason: string,
): Promise<void> {
  await finishRun(q, run.id, {
    status: "cancelled",
    error: { name: "Cancelled", message: reason },
  });
  await insertEvents(q, [
    {
      name: "inngest/function.cancelled",
      data: { function_id: run.function_id, run_id: run.id, correlation_id: correlationOf(run) },
    },
  ]);
  await settleParent(q, run, {
    error: {
      name: "InngestInvokeCancelledError",
      message: `The invoked run ${run.id} was cancelled`,
    },
  });
  ctx.afterCommit(() =>
    ctx.logger.info(`run ${run.id} cancelled`, { function: run.function_id, reason }),
  );
}
