// Step results an SDK in checkpointing mode reports while its request is still running
// (`POST /v1/checkpoint/:run/async`). They are stored like the same ops in an answer. The
// queue item must be the run's call in flight: a request the executor already gave up on
// (its job is gone or no longer claimed) is stale and told so, and stops. `defer()` ops ride
// along (the SDK ships them with the next checkpoint) and so does a step's metadata.
import { applyDeferOp } from "./jobs/apply-op";
import { inTransaction, type WorkerDeps } from "./jobs/context";
import { isDeferOp, type Op, OpCode } from "./protocol/ops";
import { storeOpMetadata } from "./run-metadata";
import { applyCheckpointSteps } from "./sql/apply-checkpoint-steps";
import { loadCallInFlight } from "./sql/load-call-in-flight";
import { lockActiveRun } from "./sql/lock-active-run";
import { recordAttempt } from "./sql/record-attempt";
import { saveStep } from "./sql/save-step";

/** A checkpoint the executor refuses (answered 400): only completed steps and defers. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

export async function applyCheckpoint(
  deps: Pick<WorkerDeps, "sql" | "logger" | "wake">,
  runId: string,
  body: { qi_id?: unknown; steps?: unknown },
): Promise<"ok" | "stale"> {
  const steps = Array.isArray(body.steps) ? (body.steps as Op[]) : [];
  for (const op of steps) {
    if (
      !op ||
      typeof op.id !== "string" ||
      (op.op !== OpCode.StepRun && op.op !== OpCode.Step && !isDeferOp(op))
    ) {
      throw new CheckpointError(
        `Only completed steps and defers can be checkpointed, not ${JSON.stringify(op?.op)}`,
      );
    }
  }
  const receivedAt = Date.now();
  const jobId = typeof body.qi_id === "string" ? body.qi_id : "";
  // The common checkpoint, completed steps only: one statement.
  if (steps.every((op) => !isDeferOp(op) && !op.metadata)) {
    return applyCheckpointSteps(deps.sql, {
      runId,
      jobId,
      startedAt: receivedAt,
      steps: steps.map((op) => ({ hash: op.id, name: stepName(op), data: op.data })),
    });
  }
  // Step results, defers and metadata queue no job: nothing to wake the dispatcher for.
  return inTransaction(
    deps,
    async (q) => {
      const call = await loadCallInFlight(q, runId, jobId);
      if (!call) return "stale";
      const run = await lockActiveRun(q, runId, {
        startedAt: receivedAt,
        version: undefined,
        forceStepPlan: false,
      });
      if (!run) return "stale";
      for (const op of steps) {
        if (isDeferOp(op)) {
          await applyDeferOp(q, runId, op);
          continue;
        }
        const name = stepName(op);
        const stored = await saveStep(q, {
          runId,
          hash: op.id,
          name,
          status: "completed",
          output: { data: op.data ?? null },
        });
        if (!stored) continue;
        if (op.metadata) await storeOpMetadata(q, runId, op);
        await recordAttempt(q, {
          runId,
          step: op.id,
          name,
          attempt: call.attempt,
          outcome: "ok",
          startedAt: receivedAt,
          durationMs: 0,
        });
      }
      return "ok";
    },
    { wake: false },
  );
}

const stepName = (op: Op) => op.displayName ?? op.name ?? op.userland?.id ?? null;
