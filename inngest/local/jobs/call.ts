// A call job: one request to the SDK, then its answer applied. No transaction is held open
// across the request. While a run goes on step after step with nothing else pending, the
// same worker makes its next discovery call too: that job is inserted already claimed, so a
// sequential run costs no claim round trip per step.
import { ENDPOINT_APP_ID, endpointFunction, endpointOutput } from "../durable-endpoint";
import { ulid } from "../ids";
import type { FunctionDef, Job } from "../interfaces";
import { callFunction } from "../protocol/call";
import { type CallBody, type CallOutcome, isDeferOp, type Op, OpCode } from "../protocol/ops";
import { failRun } from "../run-lifecycle";
import { applyStepRun } from "../sql/apply-step-run";
import { completeLoneRun } from "../sql/complete-lone-run";
import { deleteJob } from "../sql/delete-job";
import { enqueueDiscoveryIfIdle } from "../sql/enqueue-discovery";
import { enqueueRaceDiscovery } from "../sql/enqueue-race-discovery";
import { loadRunForCall, type RunForCall } from "../sql/load-run-for-call";
import { lockActiveRun } from "../sql/lock-active-run";
import { lockRun } from "../sql/lock-run";
import { postponeUnreachableCall } from "../sql/postpone-unreachable-call";
import { releaseJob } from "../sql/release-job";
import { applyAnswer } from "./apply-answer";
import { isRaceOp } from "./apply-op";
import { inTransaction, type WorkerDeps } from "./context";

/**
 * A call whose app cannot be reached at all is postponed this many times (the first after
 * 100 ms, then doubling up to 5 s: about a minute and a half in all) before it counts as a
 * failed attempt like any other error.
 */
const MAX_UNREACHABLE = 24;
const unreachableDelay = (misses: number) => Math.min(100 * 2 ** misses, 5000);

/** The run's next call, already claimed by this worker, and the run as it now stands. */
type Continuation = { job: Job; run: RunForCall };

export async function runCallJob(deps: WorkerDeps, first: Job): Promise<void> {
  let job: Job | undefined = first;
  let cached: RunForCall | undefined;
  while (job) {
    const next: Continuation | undefined = await callOnce(deps, job, cached);
    job = next?.job;
    cached = next?.run;
    if (job && !deps.isRunning()) {
      // Stopping: hand the next call back to the queue for whoever runs it next.
      await releaseJob(deps.sql, job.id, 0);
      return;
    }
  }
}

/**
 * One call. `cached` is the run as this worker left it after the previous step of a
 * continuation: nothing else can have added to an idle run, so it need not be reloaded.
 */
async function callOnce(
  deps: WorkerDeps,
  job: Job,
  cached?: RunForCall,
): Promise<Continuation | undefined> {
  const { sql, registry } = deps;
  const runId = job.run_id as string;
  const stepId = String(job.payload.step ?? "step");
  const attempt = Number(job.payload.attempt ?? 0);
  const run = cached ?? (await loadRunForCall(sql, runId));
  // A durable endpoint's run has no synced function: it is made from the run's request.
  const fn = run && (registry.functions.get(run.function_id) ?? endpointFunction(run));
  if (!run || (run.status !== "queued" && run.status !== "running")) {
    await deleteJob(sql, job.id);
    return undefined;
  }
  if (!fn) {
    await inTransaction(deps, async (q, ctx) => {
      const locked = await lockRun(q, runId);
      if (!locked || !(await deleteJob(q, job.id))) return;
      await failRun(q, ctx, locked, {
        name: "FunctionNotFound",
        message: `Function ${run.function_id} is no longer synced`,
      });
    });
    return undefined;
  }
  if (stepId !== "step" && run.steps.some(([hash]) => hash === stepId)) {
    // A planned step whose result is already stored (a duplicate delivery, or a race-mode
    // step planned again by a discovery that did not see its result yet): never rerun it.
    await inTransaction(deps, async (q) => {
      if (!(await deleteJob(q, job.id))) return;
      // The SDK has not seen that result: ask it what comes next (siblings may still run).
      if (!(await enqueueDiscoveryIfIdle(q, runId))) await enqueueRaceDiscovery(q, runId);
    });
    return undefined;
  }
  const startedAt = Date.now();
  const isEndpoint = fn.appId === ENDPOINT_APP_ID && !registry.functions.has(fn.id);
  const endpoint = isEndpoint
    ? { url: fn.url, fetch: (req: Request) => fetch(req) }
    : registry.endpointFor(fn);
  const answer = await callFunction({
    endpointRun: isEndpoint,
    fetch: endpoint.fetch,
    url: endpoint.url,
    stepId,
    body: callBody(deps, run, fn, job, attempt),
    signingKey: deps.signingKey,
    jobId: job.id,
    requestId: ulid(),
  });
  const durationMs = Date.now() - startedAt;
  const misses = Number(job.payload.unreachable ?? 0);
  if (answer.kind === "unreachable" && misses < MAX_UNREACHABLE) {
    // The app's process is gone (a takeover, a rolling restart): not the step's failure.
    // No attempt is spent; the call goes back to the queue for a live process.
    deps.logger.warn(`app unreachable for run ${runId}; call postponed, no attempt spent`, {
      url: new URL(endpoint.url).origin,
      misses: misses + 1,
    });
    await postponeUnreachableCall(sql, job.id, unreachableDelay(misses));
    return undefined;
  }
  let outcome: Exclude<CallOutcome, { kind: "unreachable" }> =
    answer.kind === "unreachable" ? { kind: "retriable", error: answer.error } : answer;
  // An endpoint answers the response it made (`{ status, headers, body }`), alone or as a
  // `RunComplete` op: the run keeps its body.
  if (isEndpoint && outcome.kind === "completed") {
    outcome = { ...outcome, data: endpointOutput(outcome.data) };
  } else if (isEndpoint && outcome.kind === "ops") {
    outcome = {
      ...outcome,
      ops: outcome.ops.map((op) =>
        op.op === OpCode.RunComplete ? { ...op, data: endpointOutput(op.data) } : op,
      ),
    };
  }
  // Only a discovery call takes the one-statement path: it is the run's sole pending work
  // (discovery is queued only when the run is idle), so no sibling result can race it.
  // Planned parallel branches go through the transaction, which locks the run first and
  // so sees the branch that finished just before.
  const [only] =
    stepId === "step" && outcome.kind === "ops" && outcome.ops.length === 1 ? outcome.ops : [];
  // A step carrying metadata (a score, AI usage) is stored the slow way, with its metadata.
  if (only && (only.op === OpCode.StepRun || only.op === OpCode.Step) && !only.metadata) {
    try {
      return await storeLoneStepRun(deps, {
        job,
        run,
        op: only,
        attempt,
        startedAt,
        durationMs,
        version: outcome.version,
      });
    } catch (error) {
      // A lost race (deadlock with a cancellation): apply the same answer the slow way.
      deps.logger.warn(`fast path failed for run ${runId}; retrying in a transaction`, {
        error: String(error),
      });
    }
  }
  // The run's end (its function returned), when nothing else hangs on it: one statement.
  const ending =
    outcome.kind === "completed"
      ? { output: outcome.data }
      : only?.op === OpCode.RunComplete
        ? { output: only.data }
        : undefined;
  if (ending) {
    try {
      const done = await completeLoneRun(sql, {
        runId,
        functionId: fn.id,
        jobId: job.id,
        startedAt,
        output: ending.output,
      });
      if (done.ended) {
        deps.logger.info(`run ${runId} completed`, { function: fn.id });
        if (done.queued) deps.wake();
        return undefined;
      }
    } catch (error) {
      deps.logger.warn(`fast path failed for run ${runId}; retrying in a transaction`, {
        error: String(error),
      });
    }
  }
  // Defers ride along with the real ops and are not steps: they never make a run parallel.
  const stepOps = outcome.kind === "ops" ? outcome.ops.filter((op) => !isDeferOp(op)) : [];
  await inTransaction(deps, async (q, ctx) => {
    const locked = await lockActiveRun(q, runId, {
      startedAt,
      version: outcome.version,
      // Several ops, or a step planned in race mode: parallel branches from here on.
      forceStepPlan:
        stepOps.length > 1 || stepOps.some((op) => op.op === OpCode.StepPlanned && isRaceOp(op)),
    });
    // The job is gone when the run was cancelled or finished while the request was out.
    if (!(await deleteJob(q, job.id)) || !locked) return;
    const call = { run: locked, fn, job, stepId, attempt, startedAt, durationMs };
    await applyAnswer(q, ctx, deps, call, outcome);
  });
  return undefined;
}

/** What the SDK is sent: the trigger, the memoized step results and how to run. */
function callBody(
  deps: WorkerDeps,
  run: RunForCall,
  fn: FunctionDef,
  job: Job,
  attempt: number,
): CallBody {
  const memo: Record<string, unknown> = {};
  const stack: string[] = [];
  for (const [hash, output] of run.steps) {
    memo[hash] = output;
    stack.push(hash);
  }
  return {
    event: run.event,
    events: run.events ?? [run.event],
    steps: memo,
    defers: run.defers ?? {},
    ctx: {
      run_id: run.id,
      attempt,
      max_attempts: fn.maxAttempts,
      disable_immediate_execution: run.force_step_plan,
      // With both, the SDK runs several steps per request and reports each through
      // POST /v1/checkpoint/:run/async (see checkpoint.ts): the default of Inngest.
      ...(deps.checkpointing ? { fn_id: fn.id, qi_id: job.id } : {}),
      use_api: false,
      stack: { stack, current: stack.length },
    },
    version: run.request_version,
  };
}

/**
 * A discovery call that ran exactly one step, stored in one statement. Continues with the
 * run's next discovery call (already claimed) when that left the run idle.
 */
async function storeLoneStepRun(
  deps: WorkerDeps,
  a: {
    job: Job;
    run: RunForCall;
    op: Op;
    attempt: number;
    startedAt: number;
    durationMs: number;
    version: Exclude<CallOutcome, { kind: "unreachable" }>["version"];
  },
): Promise<Continuation | undefined> {
  const { run, op } = a;
  const stored = await applyStepRun(deps.sql, {
    runId: run.id,
    jobId: a.job.id,
    workerId: deps.workerId(),
    hash: op.id,
    name: op.displayName ?? op.name ?? null,
    data: op.data,
    attempt: a.attempt,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    version: a.version,
  });
  if (stored.kind === "discarded") return undefined;
  if (!stored.next) {
    deps.wake();
    return undefined;
  }
  run.steps.push([op.id, { data: op.data ?? null }]);
  run.status = "running";
  if (a.version) run.request_version = a.version;
  return { job: stored.next, run };
}
