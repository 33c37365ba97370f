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
import { finishRun } from "./sql/finish-run";
import { insertEvents } from "./sql/insert-events";
import { insertPause } from "./sql/insert-pause";
import { insertRun } from "./sql/insert-run";
import { type LockedRun, lockRun } from "./sql/lock-run";
import { saveStep } from "./sql/save-step";
import type { Queryable } from "./sql-client";

export type LifecycleContext = {
  logger: EngineLogger;
  /** Runs after the transaction commits (logging, waking the dispatcher). */
  afterCommit: (fn: () => void) => void;
};

function concurrencyOf(fn: FunctionDef, event: Record<string, unknown>) {
  if (!fn.concurrency) return { key: null, limit: null };
  if (!fn.concurrency.key) return { key: fn.id, limit: fn.concurrency.limit };
  const value = evaluateExpression(fn.concurrency.key, { event });
  return { key: `${fn.id}:${JSON.stringify(value ?? null)}`, limit: fn.concurrency.limit };
}

export async function createRun(
  q: Queryable,
  ctx: LifecycleContext,
  fn: FunctionDef,
  event: { id: string; payload: Record<string, unknown> },
  parent?: { runId: string; step: string },
): Promise<string> {
  const runId = ulid();
  const { key, limit } = concurrencyOf(fn, event.payload);
  await insertRun(q, {
    id: runId,
    functionId: fn.id,
    appId: fn.appId,
    eventId: event.id,
    event: event.payload,
    concurrencyKey: key,
    concurrencyLimit: limit,
    parentRunId: parent?.runId,
    parentStep: parent?.step,
    jobId: ulid(),
  });
  const now = Date.now();
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
  ctx.afterCommit(() =>
    ctx.logger.info(`run ${runId} started`, { function: fn.id, event: event.payload.name }),
  );
  return runId;
}

/** Gives a paused or sleeping step its result and continues the run when nothing else pends. */
export async function resumeStep(
  q: Queryable,
  runId: string,
  step: string,
  output: unknown,
  status: "completed" | "failed" = "completed",
): Promise<void> {
  await saveStep(q, { runId, hash: step, status, output });
  await enqueueDiscoveryIfIdle(q, runId);
}

async function settleParent(q: Queryable, run: LockedRun, memo: unknown) {
  if (!run.parent_run_id || !run.parent_step) return;
  const pauseId = `${run.parent_run_id}:invoke:${run.parent_step}`;
  // Child before parent: the only order in which two runs are ever locked together.
  const parent = await lockRun(q, run.parent_run_id);
  if (!parent || (parent.status !== "queued" && parent.status !== "running")) return;
  if (!(await deletePause(q, pauseId))) return;
  await deleteRunJobs(q, run.parent_run_id, "invoke_timeout", run.parent_step);
  await resumeStep(q, run.parent_run_id, run.parent_step, memo);
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
  ctx.afterCommit(() => ctx.logger.info(`run ${run.id} completed`, { function: run.function_id }));
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
