// Durable endpoints in sync mode: an HTTP handler wrapped by `inngest.endpoint()` runs its
// steps inside the request it serves and reports them as it goes. The first report
// (`POST /v1/checkpoint`) creates the run under the SDK's own run id, with the request as its
// `inngest/http.request` event; later ones (`POST /v1/checkpoint/:run/steps`) add steps, and
// the `RunComplete` op (the response the handler returned) or a final `StepFailed` ends it.
//
// Async mode is not served: an op that needs the executor to go on without the request (a
// sleep, a wait, an invoke, parallel steps, a step or function error to retry) fails the run
// with `UnsupportedStep` naming the op, and the checkpoint is answered 501, so the SDK fails
// the request loudly instead of redirecting its client to a run that would never end.
import { applyDeferOp } from "./jobs/apply-op";
import { inTransaction, type WorkerDeps } from "./jobs/context";
import { isDeferOp, type Op, OpCode, RUN_COMPLETE_ID } from "./protocol/ops";
import { completeRun, failRun, type LifecycleContext } from "./run-lifecycle";
import { storeOpMetadata } from "./run-metadata";
import { insertEndpointRun } from "./sql/insert-endpoint-run";
import { type LockedRun, lockRun } from "./sql/lock-run";
import { recordAttempt } from "./sql/record-attempt";
import { saveStep } from "./sql/save-step";
import type { Queryable } from "./sql-client";

/** The event the SDK makes of the HTTP request a durable endpoint serves. */
export const HTTP_REQUEST_EVENT = "inngest/http.request";
/** The app every durable endpoint's function belongs to (the SDK does not send its own id). */
export const ENDPOINT_APP_ID = "durable-endpoints";
/** Function ids of durable endpoints start with this, so their runs are told apart. */
export const ENDPOINT_FUNCTION_PREFIX = "endpoint:";
/** At most this many ops in one checkpoint (the SDK sends one step, or a few with defers). */
export const MAX_ENDPOINT_OPS = 100;

/** A durable-endpoint checkpoint the executor refuses: answered with `status`. */
export class DurableEndpointError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = "DurableEndpointError";
  }
}

export type EndpointCheckpointResult =
  | { kind: "ok"; runId: string; functionId: string }
  /** An op that needs async mode: the run was failed with the reason. Answered 501. */
  | { kind: "async"; runId: string; reason: string };

const RUN_ID = /^[0-9A-Za-z_-]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function parseOps(steps: unknown): Op[] {
  if (steps === undefined || steps === null) return [];
  if (!Array.isArray(steps)) throw new DurableEndpointError(400, "`steps` must be an array");
  if (steps.length > MAX_ENDPOINT_OPS) {
    throw new DurableEndpointError(400, `At most ${MAX_ENDPOINT_OPS} ops per checkpoint`);
  }
  for (const op of steps) {
    if (!isRecord(op) || typeof op.id !== "string" || !op.id || typeof op.op !== "string") {
      throw new DurableEndpointError(400, "Every op needs a string `id` and `op`");
    }
  }
  return steps as Op[];
}

/** The function a request belongs to: the SDK's id when it has one, else its method and URL. */
function functionIdOf(data: Record<string, unknown>): string {
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const named = str(data.fn);
  const id = named || `${str(data.method) || "GET"} ${str(data.domain)}${str(data.path)}`;
  return `${ENDPOINT_FUNCTION_PREFIX}${id.slice(0, 500)}`;
}

/** What the run keeps of the response a `RunComplete` carries: its body, as Inngest does. */
function outputOf(data: unknown): unknown {
  if (isRecord(data) && "body" in data) return data.body ?? null;
  return data ?? null;
}

/** Why an op cannot be applied in sync mode; undefined when it can. */
function asyncReason(op: Op): string | undefined {
  if (op.op === OpCode.StepRun || op.op === OpCode.Step || op.op === OpCode.RunComplete) {
    return undefined;
  }
  if (isDeferOp(op)) return undefined;
  if (op.op === OpCode.StepFailed && op.id === RUN_COMPLETE_ID) return undefined;
  const what = op.op === OpCode.StepError ? "an error to retry" : `the op ${op.op}`;
  return `Not supported by this executor: durable endpoints in async mode (${what}${
    op.displayName || op.name ? ` at step "${op.displayName ?? op.name}"` : ""
  })`;
}

async function applyOps(
  q: Queryable,
  ctx: LifecycleContext,
  run: LockedRun,
  ops: Op[],
  receivedAt: number,
): Promise<string | undefined> {
  const refused = ops.map(asyncReason).find(Boolean);
  if (refused) {
    await failRun(q, ctx, run, { name: "UnsupportedStep", message: refused });
    return refused;
  }
  for (const op of ops) {
    if (isDeferOp(op)) {
      await applyDeferOp(q, run.id, op);
      continue;
    }
    if (op.op === OpCode.RunComplete) {
      await completeRun(q, ctx, run, outputOf(op.data));
      return undefined;
    }
    if (op.op === OpCode.StepFailed) {
      await failRun(q, ctx, run, op.error ?? { name: "Error", message: "The endpoint failed" });
      return undefined;
    }
    const name = op.displayName ?? op.name ?? op.userland?.id ?? null;
    const stored = await saveStep(q, {
      runId: run.id,
      hash: op.id,
      name,
      status: "completed",
      output: { data: op.data ?? null },
    });
    if (!stored) continue;
    if (op.metadata) await storeOpMetadata(q, run.id, op);
    await recordAttempt(q, {
      runId: run.id,
      step: op.id,
      name,
      attempt: 0,
      outcome: "ok",
      startedAt: receivedAt,
      durationMs: 0,
    });
  }
  return undefined;
}

/** `POST /v1/checkpoint`: a durable endpoint's first report creates its run. */
export async function startEndpointRun(
  deps: Pick<WorkerDeps, "sql" | "logger" | "wake">,
  body: unknown,
): Promise<EndpointCheckpointResult> {
  if (!isRecord(body)) throw new DurableEndpointError(400, "Expected an object");
  const runId = body.run_id;
  if (typeof runId !== "string" || !RUN_ID.test(runId)) {
    throw new DurableEndpointError(400, "`run_id` must be 1 to 64 letters, digits, - or _");
  }
  const event = body.event;
  if (!isRecord(event) || event.name !== HTTP_REQUEST_EVENT || !isRecord(event.data)) {
    throw new DurableEndpointError(
      400,
      `\`event\` must be the SDK's ${HTTP_REQUEST_EVENT} event with its \`data\``,
    );
  }
  const ops = parseOps(body.steps);
  const functionId = functionIdOf(event.data);
  const receivedAt = Date.now();
  const payload: Record<string, unknown> = {
    name: HTTP_REQUEST_EVENT,
    data: event.data,
    id: typeof event.id === "string" && event.id ? event.id : runId,
    ts: typeof event.ts === "number" ? event.ts : receivedAt,
    user: isRecord(event.user) ? event.user : {},
  };
  return inTransaction(deps, async (q, ctx) => {
    const inserted = await insertEndpointRun(q, {
      id: runId,
      functionId,
      appId: ENDPOINT_APP_ID,
      eventId: String(payload.id),
      event: payload,
      startedAt: receivedAt,
    });
    if (!inserted) throw new DurableEndpointError(409, `Run ${runId} exists already`);
    ctx.afterCommit(() => ctx.logger.info(`run ${runId} started`, { function: functionId }));
    const run = await lockRun(q, runId);
    if (!run) throw new Error(`Run ${runId} vanished after its insert`);
    const refused = await applyOps(q, ctx, run, ops, receivedAt);
    return refused ? { kind: "async", runId, reason: refused } : { kind: "ok", runId, functionId };
  });
}

/** `POST /v1/checkpoint/:run/steps`: later steps of a durable endpoint's run, maybe its end. */
export async function checkpointEndpointSteps(
  deps: Pick<WorkerDeps, "sql" | "logger" | "wake">,
  runId: string,
  body: unknown,
): Promise<EndpointCheckpointResult> {
  if (!isRecord(body)) throw new DurableEndpointError(400, "Expected an object");
  const ops = parseOps(body.steps);
  const receivedAt = Date.now();
  return inTransaction(deps, async (q, ctx) => {
    const run = await lockRun(q, runId);
    if (!run || !run.function_id.startsWith(ENDPOINT_FUNCTION_PREFIX)) {
      throw new DurableEndpointError(404, "No durable endpoint run with this id");
    }
    if (run.status !== "running") {
      throw new DurableEndpointError(409, `Run ${runId} has ended (${run.status})`);
    }
    const refused = await applyOps(q, ctx, run, ops, receivedAt);
    return refused
      ? { kind: "async", runId, reason: refused }
      : { kind: "ok", runId, functionId: run.function_id };
  });
}
