// Applies one op of an SDK answer inside the transaction that holds the run's lock: store a
// step's result or error (retrying it), queue a planned step, arm a sleep, pause for an event,
// start an invoked function, record or abort a defer, or end the run. Metadata an op carries
// (`score()` inside a step, AI usage) is stored with it.
import type { FunctionDef, Job } from "../interfaces";
import { sleepEndsAt } from "../protocol/durations";
import { type Op, OpCode } from "../protocol/ops";
import type { Registry } from "../registry";
import { completeRun, createRun, failRun, type LifecycleContext } from "../run-lifecycle";
import { storeOpMetadata } from "../run-metadata";
import { abortDefer } from "../sql/abort-defer";
import { addDefer } from "../sql/add-defer";
import { enqueueJob } from "../sql/enqueue-job";
import { getStep } from "../sql/get-step";
import { insertEvents } from "../sql/insert-events";
import { insertPause } from "../sql/insert-pause";
import type { LockedRun } from "../sql/lock-run";
import { recordAttempt } from "../sql/record-attempt";
import { saveStep } from "../sql/save-step";
import type { Queryable } from "../sql-client";
import type { WorkerDeps } from "./context";
import { retryCall } from "./retry-call";

/** A call that came back, with its run locked by the transaction applying the answer. */
export type AnsweredCall = {
  run: LockedRun;
  fn: FunctionDef;
  job: Job;
  /** "step" for a discovery call, else the planned step it executed. */
  stepId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
};

/** A step planned in Inngest's race mode (`group.parallel({ mode: "race" })`). */
export function isRaceOp(op: Op): boolean {
  return op.opts?.parallelMode === "race";
}

/** Applies one op; true when it ended the run. */
export async function applyOp(
  q: Queryable,
  ctx: LifecycleContext,
  deps: Pick<WorkerDeps, "registry" | "backoff">,
  call: AnsweredCall,
  op: Op,
  retryAfterMs: number | undefined,
): Promise<boolean> {
  const { run, fn, attempt } = call;
  const name = op.displayName ?? op.name ?? op.userland?.id ?? null;
  const stepRef = { runId: run.id, hash: op.id, name };
  /** The attempt this call made at the op's step, as it ended. */
  const attemptEnded = (outcome: "ok" | "failed" | "error", error?: unknown) =>
    recordAttempt(q, {
      runId: run.id,
      step: op.id,
      name,
      attempt,
      outcome,
      ...(error === undefined ? {} : { error }),
      startedAt: call.startedAt,
      durationMs: call.durationMs,
    });
  if (op.metadata) await storeOpMetadata(q, run.id, op);
  switch (op.op) {
    case OpCode.StepRun:
    case OpCode.Step:
      await attemptEnded("ok");
      await saveStep(q, { ...stepRef, status: "completed", output: { data: op.data ?? null } });
      return false;
    case OpCode.StepFailed:
      await attemptEnded("failed", op.error);
      await saveStep(q, { ...stepRef, status: "failed", output: { error: op.error ?? null } });
      return false;
    case OpCode.StepError: {
      await attemptEnded("error", op.error);
      if (attempt + 1 >= fn.maxAttempts) {
        await saveStep(q, { ...stepRef, status: "failed", output: { error: op.error ?? null } });
        return false;
      }
      await retryCall(q, deps.backoff, {
        runId: run.id,
        step: op.id,
        attempt: attempt + 1,
        retryAfterMs,
        job: call.job,
      });
      return false;
    }
    case OpCode.StepPlanned: {
      await enqueueJob(q, {
        kind: "call",
        runId: run.id,
        // Race mode: when it ends, the run goes on without waiting for its siblings.
        payload: { step: op.id, attempt: 0, ...(isRaceOp(op) ? { race: true } : {}) },
        key: `call:${run.id}:${op.id}`,
        concurrencyKey: call.job.concurrency_key,
        concurrencyLimit: call.job.concurrency_limit,
        concurrencyKey2: call.job.concurrency_key_2,
        concurrencyLimit2: call.job.concurrency_limit_2,
      });
      return false;
    }
    case OpCode.Sleep: {
      // Reported again by a call that started before the sleep ended (beside race branches).
      if (await getStep(q, run.id, op.id)) return false;
      const until = sleepEndsAt(op.name ?? "") ?? Date.now();
      await enqueueJob(q, {
        kind: "sleep",
        runId: run.id,
        payload: { step: op.id, ...(isRaceOp(op) ? { race: true } : {}) },
        runAt: until,
        key: `sleep:${run.id}:${op.id}`,
      });
      return false;
    }
    case OpCode.WaitForEvent: {
      // A timeout is a duration ("1h") or an absolute instant (an ISO date from a Date).
      const expiresAt = sleepEndsAt(String(op.opts?.timeout ?? "")) ?? null;
      const pauseId = `${run.id}:wait:${op.id}`;
      const paused = await insertPause(q, {
        id: pauseId,
        kind: "wait",
        run_id: run.id,
        step: op.id,
        eventName: op.name ?? String(op.opts?.event ?? ""),
        expression: op.opts?.if ?? null,
        expiresAt,
        race: isRaceOp(op),
      });
      if (paused && expiresAt !== null) {
        await enqueueJob(q, {
          kind: "wait_timeout",
          runId: run.id,
          payload: { step: op.id, pauseId },
          runAt: expiresAt,
          key: `wait:${run.id}:${op.id}`,
        });
      }
      return false;
    }
    case OpCode.InvokeFunction:
      await invoke(q, ctx, deps.registry, run, op);
      return false;
    case OpCode.RunComplete:
      await completeRun(q, ctx, run, op.data);
      return true;
    case OpCode.DeferAdd:
    case OpCode.DeferAbort:
      await applyDeferOp(q, run.id, op);
      return false;
    default:
      await failRun(q, ctx, run, {
        name: "UnsupportedStep",
        message: `The embedded executor does not support the "${op.op}" step (${name ?? op.id})`,
      });
      return true;
  }
}

/**
 * `step.invoke`: emits `inngest/function.invoked`, starts the target's run as a child of this
 * one and pauses the step until the child ends (settled in run-lifecycle) or times out.
 */
async function invoke(
  q: Queryable,
  ctx: LifecycleContext,
  registry: Registry,
  run: LockedRun,
  op: Op,
) {
  const target = registry.functions.get(String(op.opts?.function_id ?? ""));
  if (!target) {
    await saveStep(q, {
      runId: run.id,
      hash: op.id,
      name: op.displayName ?? null,
      status: "failed",
      output: {
        error: {
          name: "Error",
          message: `Could not find function ${op.opts?.function_id} to invoke`,
        },
      },
    });
    return;
  }
  const pauseId = `${run.id}:invoke:${op.id}`;
  const expiresAt = op.opts?.timeout ? sleepEndsAt(String(op.opts.timeout)) : undefined;
  // Reported again after the child ended (beside race branches): nothing to start twice.
  const paused = await insertPause(q, {
    id: pauseId,
    kind: "invoke",
    run_id: run.id,
    step: op.id,
    eventName: null,
    expiresAt: expiresAt ?? null,
    race: isRaceOp(op),
  });
  if (!paused) return;
  const correlationId = `${run.id}.${op.id}`;
  const payload = op.opts?.payload ?? {};
  const data = { ...((payload.data as Record<string, unknown>) ?? {}) };
  data._inngest = {
    fn_id: target.id,
    correlation_id: correlationId,
    source_fn_id: run.function_id,
    source_fn_run_id: run.id,
  };
  const [event] = await insertEvents(q, [
    {
      name: "inngest/function.invoked",
      data,
      user: payload.user,
      v: payload.v,
      meta: payload.meta,
    },
  ]);
  if (expiresAt !== undefined) {
    await enqueueJob(q, {
      kind: "invoke_timeout",
      runId: run.id,
      payload: { step: op.id, pauseId },
      runAt: expiresAt,
      key: `invoke:${run.id}:${op.id}`,
    });
  }
  await createRun(q, ctx, target, event, { runId: run.id, step: op.id });
}

/**
 * `defer()`: a `DeferAdd` records the run to start once this one ends (run-lifecycle starts
 * it); a `DeferAbort` cancels the defer it targets. Neither is a step: nothing is memoized,
 * the SDK learns of them from the call's `defers`.
 */
export async function applyDeferOp(q: Queryable, runId: string, op: Op): Promise<void> {
  const opts = op.opts ?? {};
  if (op.op === OpCode.DeferAbort) {
    const target = typeof opts.target_hashed_id === "string" ? opts.target_hashed_id : "";
    if (target) await abortDefer(q, { runId, hash: target });
    return;
  }
  if (typeof opts.fn_slug !== "string" || !opts.fn_slug) return;
  await addDefer(q, {
    runId,
    hash: op.id,
    fnSlug: opts.fn_slug,
    input: opts.input,
    meta: opts.meta,
  });
}
