// Applies what one call came back with, inside the transaction that holds the run's lock:
// the run's end, an error to retry or to fail on, or a list of ops. Once a list of ops leaves
// the run idle, its next discovery call is queued (the join of parallel branches).
import { type CallOutcome, isDeferOp, type Op, OpCode, RUN_COMPLETE_ID } from "../protocol/ops";
import type { LifecycleContext } from "../run-lifecycle";
import { completeRun, failRun } from "../run-lifecycle";
import { endStepPlan } from "../sql/end-step-plan";
import { enqueueDiscoveryIfIdle } from "../sql/enqueue-discovery";
import { enqueueRaceDiscovery } from "../sql/enqueue-race-discovery";
import { getStep } from "../sql/get-step";
import { recordAttempt } from "../sql/record-attempt";
import type { Queryable } from "../sql-client";
import { type AnsweredCall, applyDeferOp, applyOp } from "./apply-op";
import type { WorkerDeps } from "./context";
import { retryCall } from "./retry-call";

export async function applyAnswer(
  q: Queryable,
  ctx: LifecycleContext,
  deps: Pick<WorkerDeps, "registry" | "backoff">,
  call: AnsweredCall,
  outcome: Exclude<CallOutcome, { kind: "unreachable" }>,
): Promise<void> {
  const { run, fn, attempt } = call;
  const timing = { startedAt: call.startedAt, durationMs: call.durationMs };
  const step = call.stepId === "step" ? null : call.stepId;
  switch (outcome.kind) {
    case "completed":
      await completeRun(q, ctx, run, outcome.data);
      return;
    case "failed":
      await recordAttempt(q, {
        runId: run.id,
        step,
        attempt,
        outcome: "failed",
        error: outcome.error,
        ...timing,
      });
      await failRun(q, ctx, run, outcome.error);
      return;
    case "retriable":
      await recordAttempt(q, {
        runId: run.id,
        step,
        attempt,
        outcome: "error",
        error: outcome.error,
        ...timing,
      });
      if (attempt + 1 >= fn.maxAttempts) {
        await failRun(q, ctx, run, outcome.error);
        return;
      }
      await retryCall(q, deps.backoff, {
        runId: run.id,
        step: call.stepId,
        attempt: attempt + 1,
        retryAfterMs: outcome.retryAfterMs,
        job: call.job,
      });
      return;
    case "ops": {
      // Defers first, so a run that ends in this answer starts the ones it just added.
      const steps = [];
      for (const op of outcome.ops) {
        if (isDeferOp(op)) await applyDeferOp(q, run.id, op);
        else steps.push(op);
      }
      // The function threw with defers pending: its own error came as an op with the id of
      // `RunComplete` (StepFailed when final, StepError to retry).
      const thrown = steps.find(
        (op) =>
          op.id === RUN_COMPLETE_ID && (op.op === OpCode.StepFailed || op.op === OpCode.StepError),
      );
      if (thrown) {
        const error = thrown.error ?? { name: "Error", message: "The function failed" };
        const kind = thrown.op === OpCode.StepFailed ? "failed" : "retriable";
        await applyAnswer(q, ctx, deps, call, {
          kind,
          error,
          retryAfterMs: outcome.retryAfterMs,
          version: outcome.version,
        });
        return;
      }
      for (const op of steps) {
        if (await applyOp(q, ctx, deps, call, op, outcome.retryAfterMs)) return;
      }
      const discovery = await enqueueDiscoveryIfIdle(q, run.id);
      if (discovery && call.stepId !== "step") {
        // The last planned branch of a parallel group finished and joined it: the run
        // goes back to immediate execution (and checkpointing), as Inngest does once
        // parallel steps drain. A group joined by a sleep or wait keeps planning.
        await endStepPlan(q, run.id);
      } else if (!discovery && call.stepId !== "step" && call.job.payload.race === true) {
        // A race-mode branch ended: the function goes on now, its siblings still running.
        await enqueueRaceDiscovery(q, run.id);
      } else if (!discovery && (await answeredBeforeItsResult(q, run.id, steps))) {
        // A sleep, wait or invoke reported again although its result is stored: it ended
        // while this call was out (beside race branches), and the discovery its end queued
        // was this very call, already sent without it. The SDK has not seen that result:
        // ask again, or the run would wait for its slowest sibling.
        await enqueueRaceDiscovery(q, run.id);
      }
    }
  }
}

const PAUSING_OPS = new Set<string>([OpCode.Sleep, OpCode.WaitForEvent, OpCode.InvokeFunction]);

/** Whether any sleep, wait or invoke among `ops` already has its result stored. */
async function answeredBeforeItsResult(q: Queryable, runId: string, ops: Op[]) {
  for (const op of ops) {
    if (PAUSING_OPS.has(op.op) && (await getStep(q, runId, op.id))) return true;
  }
  return false;
}
