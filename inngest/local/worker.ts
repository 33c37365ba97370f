// What each kind of job does. A call job is the heart of the executor: one request to the
// SDK, then one transaction that applies its answer (store results, plan steps, sleep,
// wait, invoke, retry, finish). No transaction is held open across the HTTP request.
import type { Backoff } from "./backoff";
import { matchesEventName, matchesExpression } from "./expressions";
import { nextCronRun } from "./function-config";
import { ulid } from "./ids";
import type { EngineLogger, FunctionDef, Job } from "./interfaces";
import { callFunction } from "./protocol/call";
import { sleepEndsAt } from "./protocol/durations";
import {
  type CallBody,
  type CallOutcome,
  type Op,
  OpCode,
  type SerializedError,
} from "./protocol/ops";
import type { Registry } from "./registry";
import {
  cancelRun,
  completeRun,
  createRun,
  failRun,
  type LifecycleContext,
  resumeStep,
} from "./run-lifecycle";
import { applyStepRun } from "./sql/apply-step-run";
import { deleteJob, deleteRunJobs, releaseJob, rescheduleJob } from "./sql/delete-job";
import { enqueueDiscoveryIfIdle } from "./sql/enqueue-discovery";
import { enqueueJob } from "./sql/enqueue-job";
import { insertEvents } from "./sql/insert-events";
import { loadRunForCall, type RunForCall } from "./sql/load-run-for-call";
import { type LockedRun, lockActiveRun, lockRun } from "./sql/lock-run";
import { deletePause, insertPause, pausesForEvent } from "./sql/pauses";
import { recordAttempt } from "./sql/record-attempt";
import { saveStep } from "./sql/save-step";
import type { Queryable, SqlClient } from "./sql-client";

/** The run's next call, already claimed by this worker, and the run as it now stands. */
type Continuation = { job: Job; run?: RunForCall };

export type WorkerDeps = {
  sql: SqlClient;
  registry: Registry;
  logger: EngineLogger;
  backoff: Backoff;
  signingKey?: string;
  /** Lets SDKs checkpoint (needs the HTTP API, where the SDK posts its step results). */
  checkpointing: boolean;
  /** Wakes the dispatcher after a commit queued due work. */
  wake: () => void;
  /** The dispatcher's lock owner name, for jobs this worker claims for itself. */
  workerId: () => string;
  isRunning: () => boolean;
};

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

export class Worker {
  constructor(private readonly deps: WorkerDeps) {}

  async process(job: Job): Promise<void> {
    switch (job.kind) {
      case "call":
        return this.call(job);
      case "event":
        return this.event(job);
      case "sleep":
        return this.timer(job, null);
      case "wait_timeout":
        return this.timer(job, null, String(job.payload.pauseId));
      case "invoke_timeout":
        return this.timer(
          job,
          {
            error: {
              name: "InngestInvokeTimeoutError",
              message: "Timed out waiting for the invoked function to complete",
            },
          },
          String(job.payload.pauseId),
        );
      case "cron":
        return this.cron(job);
      default:
        this.deps.logger.warn(`dropping a job of unknown kind ${job.kind}`);
        await deleteJob(this.deps.sql, job.id);
    }
  }

  /**
   * Step results an SDK in checkpointing mode reports while its request is still running
   * (`POST /v1/checkpoint/:run/async`). They are stored like the same ops in an answer. The
   * queue item must be the run's call in flight: a request the executor already gave up on
   * (its job is gone or no longer claimed) is stale and told so, and stops.
   */
  async checkpoint(
    runId: string,
    body: { qi_id?: unknown; steps?: unknown },
  ): Promise<"ok" | "stale"> {
    const steps = Array.isArray(body.steps) ? (body.steps as Op[]) : [];
    for (const op of steps) {
      if (!op || typeof op.id !== "string" || (op.op !== OpCode.StepRun && op.op !== OpCode.Step)) {
        throw new CheckpointError(
          `Only completed steps can be checkpointed, not ${JSON.stringify(op?.op)}`,
        );
      }
    }
    const receivedAt = Date.now();
    return this.transaction(async (q) => {
      const [job] = await q.query<{ payload: { attempt?: number } }>(
        `select payload from engine.jobs
         where id = $1 and run_id = $2 and kind = 'call' and locked_at is not null`,
        [typeof body.qi_id === "string" ? body.qi_id : "", runId],
      );
      if (!job) return "stale";
      const run = await lockActiveRun(q, runId, {
        startedAt: receivedAt,
        version: undefined,
        forceStepPlan: false,
      });
      if (!run) return "stale";
      for (const op of steps) {
        const name = op.displayName ?? op.name ?? op.userland?.id ?? null;
        const stored = await saveStep(q, {
          runId,
          hash: op.id,
          name,
          status: "completed",
          output: { data: op.data ?? null },
        });
        if (!stored) continue;
        await recordAttempt(q, {
          runId,
          step: op.id,
          name,
          attempt: Number(job.payload.attempt ?? 0),
          outcome: "ok",
          startedAt: receivedAt,
          durationMs: 0,
        });
      }
      return "ok";
    });
  }

  /** Runs `fn` in a transaction and, once committed, the deferred effects it registered. */
  private async transaction<T>(
    fn: (q: Queryable, ctx: LifecycleContext) => Promise<T>,
  ): Promise<T> {
    const after: (() => void)[] = [];
    const ctx: LifecycleContext = { logger: this.deps.logger, afterCommit: (f) => after.push(f) };
    // No NOTIFY here: only the leader works the queue, and it wakes itself below. Events
    // accepted through the API do notify (engine.send), for listeners in other processes.
    const result = await this.deps.sql.tx((q) => fn(q, ctx));
    for (const f of after) f();
    // A call that continues with its run's next call queued nothing for the others.
    if (!(result && typeof result === "object" && "kind" in result)) this.deps.wake();
    return result;
  }

  /**
   * Runs a call job and, while the run goes on step after step with nothing else pending,
   * its next discovery call too: that job is inserted already claimed, so a sequential run
   * costs no claim round trip per step.
   */
  private async call(first: Job): Promise<void> {
    let job: Job | undefined = first;
    let cached: RunForCall | undefined;
    while (job) {
      const next: Continuation | undefined = await this.callOnce(job, cached);
      job = next?.job;
      cached = next?.run;
      if (job && !this.deps.isRunning()) {
        // Stopping: hand the next call back to the queue for whoever runs it next.
        await releaseJob(this.deps.sql, job.id, 0);
        return;
      }
    }
  }

  /**
   * One call. `cached` is the run as this worker left it after the previous step of a
   * continuation: nothing else can have added to an idle run, so it need not be reloaded.
   */
  private async callOnce(job: Job, cached?: RunForCall): Promise<Continuation | undefined> {
    const { sql, registry } = this.deps;
    const runId = job.run_id as string;
    const stepId = String(job.payload.step ?? "step");
    const attempt = Number(job.payload.attempt ?? 0);
    const run = cached ?? (await loadRunForCall(sql, runId));
    const fn = run && registry.functions.get(run.function_id);
    if (!run || (run.status !== "queued" && run.status !== "running")) {
      await deleteJob(sql, job.id);
      return undefined;
    }
    if (!fn) {
      await this.transaction(async (q, ctx) => {
        const locked = await lockRun(q, runId);
        if (!locked || !(await deleteJob(q, job.id))) return;
        await failRun(q, ctx, locked, {
          name: "FunctionNotFound",
          message: `Function ${run.function_id} is no longer synced`,
        });
      });
      return undefined;
    }
    const memo: Record<string, unknown> = {};
    const stack: string[] = [];
    for (const [hash, output] of run.steps) {
      memo[hash] = output;
      stack.push(hash);
    }
    if (stepId !== "step" && stepId in memo) {
      // A planned step whose result is already stored (a duplicate delivery): never rerun it.
      await this.transaction(async (q) => {
        if (!(await deleteJob(q, job.id))) return;
        await enqueueDiscoveryIfIdle(q, runId);
      });
      return undefined;
    }
    const body: CallBody = {
      event: run.event,
      events: [run.event],
      steps: memo,
      ctx: {
        run_id: runId,
        attempt,
        max_attempts: fn.maxAttempts,
        disable_immediate_execution: run.force_step_plan,
        // With both, the SDK runs several steps per request and reports each through
        // POST /v1/checkpoint/:run/async (see checkpoint below) — the default of Inngest.
        ...(this.deps.checkpointing ? { fn_id: fn.id, qi_id: job.id } : {}),
        use_api: false,
        stack: { stack, current: stack.length },
      },
      version: run.request_version,
    };
    const startedAt = Date.now();
    const outcome = await callFunction({
      fetch: registry.fetchFor(fn),
      url: fn.url,
      stepId,
      body,
      signingKey: this.deps.signingKey,
      jobId: job.id,
      requestId: ulid(),
    });
    const durationMs = Date.now() - startedAt;
    // Only a discovery call takes the one-statement path: it is the run's sole pending work
    // (discovery is queued only when the run is idle), so no sibling result can race it.
    // Planned parallel branches go through the transaction, which locks the run first and
    // so sees the branch that finished just before.
    const [only] =
      stepId === "step" && outcome.kind === "ops" && outcome.ops.length === 1 ? outcome.ops : [];
    if (only && (only.op === OpCode.StepRun || only.op === OpCode.Step)) {
      try {
        const stored = await applyStepRun(sql, {
          runId,
          jobId: job.id,
          workerId: this.deps.workerId(),
          hash: only.id,
          name: only.displayName ?? only.name ?? null,
          data: only.data,
          attempt,
          startedAt,
          durationMs,
          version: outcome.version,
        });
        if (stored.kind === "discarded") return undefined;
        if (!stored.next) {
          this.deps.wake();
          return undefined;
        }
        run.steps.push([only.id, { data: only.data ?? null }]);
        run.status = "running";
        if (outcome.version) run.request_version = outcome.version;
        return { job: stored.next, run };
      } catch (error) {
        // A lost race (deadlock with a cancellation): apply the same answer the slow way.
        this.deps.logger.warn(`fast path failed for run ${runId}; retrying in a transaction`, {
          error: String(error),
        });
      }
    }
    const next = await this.transaction(async (q, ctx) => {
      const locked = await lockActiveRun(q, runId, {
        startedAt,
        version: outcome.version,
        forceStepPlan: outcome.kind === "ops" && outcome.ops.length > 1,
      });
      // The job is gone when the run was cancelled or finished while the request was out.
      if (!(await deleteJob(q, job.id)) || !locked) return undefined;
      return this.applyOutcome(q, ctx, {
        run: locked,
        fn,
        job,
        stepId,
        attempt,
        outcome,
        startedAt,
        durationMs,
      });
    });
    return next ? { job: next } : undefined;
  }

  private async applyOutcome(
    q: Queryable,
    ctx: LifecycleContext,
    a: {
      run: LockedRun;
      fn: FunctionDef;
      job: Job;
      stepId: string;
      attempt: number;
      outcome: CallOutcome;
      startedAt: number;
      durationMs: number;
    },
  ): Promise<Job | undefined> {
    const { run, fn, outcome, attempt } = a;
    const timing = { startedAt: a.startedAt, durationMs: a.durationMs };
    switch (outcome.kind) {
      case "completed":
        await completeRun(q, ctx, run, outcome.data);
        return undefined;
      case "failed":
        await recordAttempt(q, {
          runId: run.id,
          step: a.stepId === "step" ? null : a.stepId,
          attempt,
          outcome: "failed",
          error: outcome.error,
          ...timing,
        });
        await failRun(q, ctx, run, outcome.error);
        return undefined;
      case "retriable": {
        await recordAttempt(q, {
          runId: run.id,
          step: a.stepId === "step" ? null : a.stepId,
          attempt,
          outcome: "error",
          error: outcome.error,
          ...timing,
        });
        if (attempt + 1 >= fn.maxAttempts) {
          await failRun(q, ctx, run, outcome.error);
          return;
        }
        await this.retry(q, run.id, a.stepId, attempt + 1, outcome.retryAfterMs, a.job);
        return;
      }
      case "ops": {
        for (const op of outcome.ops) {
          const ended = await this.applyOp(q, ctx, {
            ...a,
            op,
            retryAfterMs: outcome.retryAfterMs,
          });
          if (ended) return;
        }
        const discovery = await enqueueDiscoveryIfIdle(q, run.id);
        if (discovery && a.stepId !== "step") {
          // The last planned branch of a parallel group finished and joined it: the run
          // goes back to immediate execution (and checkpointing), as Inngest does once
          // parallel steps drain. A group joined by a sleep or wait keeps planning.
          await q.query("update engine.runs set force_step_plan = false where id = $1", [run.id]);
        }
      }
    }
  }

  private async retry(
    q: Queryable,
    runId: string,
    step: string,
    attempt: number,
    retryAfterMs: number | undefined,
    job: Job,
  ) {
    const delay = retryAfterMs ?? this.deps.backoff(attempt - 1);
    await enqueueJob(q, {
      kind: "call",
      runId,
      payload: { step, attempt },
      runAt: Date.now() + delay,
      key: step === "step" ? `discover:${runId}` : `call:${runId}:${step}`,
      concurrencyKey: job.concurrency_key,
      concurrencyLimit: job.concurrency_limit,
    });
  }

  /** Applies one op; true when it ended the run. */
  private async applyOp(
    q: Queryable,
    ctx: LifecycleContext,
    a: {
      run: LockedRun;
      fn: FunctionDef;
      job: Job;
      attempt: number;
      op: Op;
      retryAfterMs?: number;
      startedAt: number;
      durationMs: number;
    },
  ): Promise<boolean> {
    const { run, op, fn } = a;
    const name = op.displayName ?? op.name ?? op.userland?.id ?? null;
    const timing = { startedAt: a.startedAt, durationMs: a.durationMs };
    const concurrency = {
      concurrencyKey: a.job.concurrency_key,
      concurrencyLimit: a.job.concurrency_limit,
    };
    switch (op.op) {
      case OpCode.StepRun:
      case OpCode.Step: {
        await recordAttempt(q, {
          runId: run.id,
          step: op.id,
          name,
          attempt: a.attempt,
          outcome: "ok",
          ...timing,
        });
        await saveStep(q, {
          runId: run.id,
          hash: op.id,
          name,
          status: "completed",
          output: { data: op.data ?? null },
        });
        return false;
      }
      case OpCode.StepFailed: {
        await recordAttempt(q, {
          runId: run.id,
          step: op.id,
          name,
          attempt: a.attempt,
          outcome: "failed",
          error: op.error,
          ...timing,
        });
        await saveStep(q, {
          runId: run.id,
          hash: op.id,
          name,
          status: "failed",
          output: { error: op.error ?? null },
        });
        return false;
      }
      case OpCode.StepError: {
        await recordAttempt(q, {
          runId: run.id,
          step: op.id,
          name,
          attempt: a.attempt,
          outcome: "error",
          error: op.error,
          ...timing,
        });
        if (a.attempt + 1 >= fn.maxAttempts) {
          await saveStep(q, {
            runId: run.id,
            hash: op.id,
            name,
            status: "failed",
            output: { error: op.error ?? null },
          });
          return false;
        }
        await this.retry(q, run.id, op.id, a.attempt + 1, a.retryAfterMs, a.job);
        return false;
      }
      case OpCode.StepPlanned: {
        await enqueueJob(q, {
          kind: "call",
          runId: run.id,
          payload: { step: op.id, attempt: 0 },
          key: `call:${run.id}:${op.id}`,
          ...concurrency,
        });
        return false;
      }
      case OpCode.Sleep: {
        const until = sleepEndsAt(op.name ?? "") ?? Date.now();
        await enqueueJob(q, {
          kind: "sleep",
          runId: run.id,
          payload: { step: op.id },
          runAt: until,
          key: `sleep:${run.id}:${op.id}`,
        });
        return false;
      }
      case OpCode.WaitForEvent: {
        // A timeout is a duration ("1h") or an absolute instant (an ISO date from a Date).
        const expiresAt = sleepEndsAt(String(op.opts?.timeout ?? "")) ?? null;
        const pauseId = `${run.id}:wait:${op.id}`;
        await insertPause(q, {
          id: pauseId,
          kind: "wait",
          run_id: run.id,
          step: op.id,
          eventName: op.name ?? String(op.opts?.event ?? ""),
          expression: op.opts?.if ?? null,
          expiresAt,
        });
        if (expiresAt !== null) {
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
        await this.invoke(q, ctx, run, op);
        return false;
      case OpCode.RunComplete:
        await completeRun(q, ctx, run, op.data);
        return true;
      default:
        await failRun(q, ctx, run, {
          name: "UnsupportedStep",
          message: `The embedded executor does not support the "${op.op}" step (${name ?? op.id})`,
        });
        return true;
    }
  }

  private async invoke(q: Queryable, ctx: LifecycleContext, run: LockedRun, op: Op) {
    const target = this.deps.registry.functions.get(String(op.opts?.function_id ?? ""));
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
      { name: "inngest/function.invoked", data, user: payload.user, v: payload.v },
    ]);
    const pauseId = `${run.id}:invoke:${op.id}`;
    const expiresAt = op.opts?.timeout ? sleepEndsAt(String(op.opts.timeout)) : undefined;
    await insertPause(q, {
      id: pauseId,
      kind: "invoke",
      run_id: run.id,
      step: op.id,
      eventName: null,
      expiresAt: expiresAt ?? null,
    });
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

  /** A sleep ended, or a wait or invoke timed out: the step gets `memo` as its result. */
  private async timer(job: Job, memo: unknown, pauseId?: string): Promise<void> {
    await this.transaction(async (q) => {
      const runId = job.run_id as string;
      const locked = await lockRun(q, runId);
      if (!(await deleteJob(q, job.id)) || !locked) return;
      if (locked.status !== "queued" && locked.status !== "running") return;
      // A wait or invoke that already got its event has no pause left: nothing to time out.
      if (pauseId && !(await deletePause(q, pauseId))) return;
      await resumeStep(q, runId, String(job.payload.step), memo);
    });
  }

  /** Matches an accepted event against triggers, waiting runs and cancellations. */
  private async event(job: Job): Promise<void> {
    const { registry } = this.deps;
    await this.transaction(async (q, ctx) => {
      const [row] = await q.query<{ id: string; name: string; payload: Record<string, unknown> }>(
        "select id, name, payload from engine.events where id = $1",
        [String(job.payload.eventId)],
      );
      if (!(await deleteJob(q, job.id)) || !row) return;
      const incoming = row.payload;
      // Waiting runs and cancellations first: they belong to runs that existed before
      // this event, and a run this event starts must not be cancelled by it.
      for (const pause of await pausesForEvent(q, row.name)) {
        if (!matchesExpression(pause.expression, { event: pause.run_event, async: incoming }))
          continue;
        const locked = await lockRun(q, pause.run_id);
        if (!locked || (locked.status !== "queued" && locked.status !== "running")) continue;
        if (pause.kind === "wait") {
          if (!(await deletePause(q, pause.id))) continue;
          await deleteRunJobs(q, pause.run_id, "wait_timeout", String(pause.step));
          await resumeStep(q, pause.run_id, String(pause.step), incoming);
        } else {
          await cancelRun(q, ctx, locked, `cancelled by event ${row.name} (${row.id})`);
        }
      }
      if (row.name === "inngest/function.invoked") return;
      // A snapshot: a sync finishing during the awaits below refills the registry, and a
      // live Map iterator would then visit (and trigger) the same function twice.
      for (const fn of [...registry.functions.values()]) {
        const triggered = fn.eventTriggers.some(
          (t) =>
            matchesEventName(t.event, row.name) &&
            matchesExpression(t.expression, { event: incoming }),
        );
        if (triggered) await createRun(q, ctx, fn, row);
      }
    });
  }

  /** A cron schedule fired: emit inngest/scheduled.timer, start the run, arm the next one. */
  private async cron(job: Job): Promise<void> {
    const functionId = String(job.payload.functionId);
    const cron = String(job.payload.cron);
    const fn = this.deps.registry.functions.get(functionId);
    await this.transaction(async (q, ctx) => {
      if (!fn?.cronTriggers.some((t) => t.cron === cron)) {
        await deleteJob(q, job.id);
        return;
      }
      const [event] = await insertEvents(q, [
        { name: "inngest/scheduled.timer", data: { cron }, id: `cron:${functionId}:${ulid()}` },
      ]);
      // The timer event is for this function alone; the job inserted for it only needs to
      // feed waits, so it stays, and the run is created directly here.
      await createRun(q, ctx, fn, event);
      const next = nextCronRun(cron, new Date(Date.now() + 1000));
      if (next) await rescheduleJob(q, job.id, next.getTime(), job.payload);
      else await deleteJob(q, job.id);
    });
  }
}

export type { SerializedError };
