// Durable endpoints: an HTTP handler wrapped by `inngest.endpoint()` runs its steps inside the
// request it serves and reports them as it goes (sync mode). The first report
// (`POST /v1/checkpoint`) creates the run under the SDK's own run id, with the request as its
// `inngest/http.request` event; later ones (`POST /v1/checkpoint/:run/steps`) add steps, and
// the `RunComplete` op (the response the handler returned) or a final `StepFailed` ends it.
//
// An op the request cannot finish (a sleep, a wait, an invoke, parallel steps, an error to
// retry) switches the run to async mode: the op is applied like the same op in a call's answer
// and the SDK redirects its client to `GET /v1/http/runs/:id/output?token=`, which waits for
// the run's end. The executor then goes on like for any function, calling the endpoint's own
// URL (`x-run-id`, a signature header) with the SDK reading the run's event and steps
// back through `GET /v0/runs/:id/batch` and `/actions`. Streaming (realtime) is not served.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ulid } from "./ids";
import type { FunctionDef, Job } from "./interfaces";
import { applyAnswer } from "./jobs/apply-answer";
import { applyDeferOp } from "./jobs/apply-op";
import { inTransaction, type WorkerDeps } from "./jobs/context";
import { isDeferOp, type Op, OpCode, RUN_COMPLETE_ID } from "./protocol/ops";
import { completeRun, failRun, type LifecycleContext } from "./run-lifecycle";
import { storeOpMetadata } from "./run-metadata";
import { insertEndpointRun } from "./sql/insert-endpoint-run";
import { loadRunForCall } from "./sql/load-run-for-call";
import { loadRunOutcome } from "./sql/load-run-outcome";
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
/** Attempts of an endpoint's steps once async (the SDK's default: 3 retries). */
export const ENDPOINT_MAX_ATTEMPTS = 4;

type EndpointDeps = Pick<
  WorkerDeps,
  "sql" | "logger" | "wake" | "registry" | "backoff" | "signingKey"
>;

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

export type EndpointCheckpointResult = { runId: string; functionId: string; token: string };

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

/** What the run keeps of the response its handler gave (`{ status, headers, body }`): the body. */
export function endpointOutput(data: unknown): unknown {
  if (isRecord(data) && "body" in data) return data.body ?? null;
  return data ?? null;
}

/** True for the ops a request applies itself: a step's result, the end, defer bookkeeping. */
function isSyncOp(op: Op): boolean {
  return (
    op.op === OpCode.StepRun ||
    op.op === OpCode.Step ||
    op.op === OpCode.RunComplete ||
    isDeferOp(op) ||
    (op.op === OpCode.StepFailed && op.id === RUN_COMPLETE_ID)
  );
}

/** The function a durable endpoint's run belongs to (not synced: made from its request). */
export function endpointFunction(run: {
  function_id: string;
  event: Record<string, unknown>;
}): FunctionDef | undefined {
  if (!run.function_id.startsWith(ENDPOINT_FUNCTION_PREFIX)) return undefined;
  return {
    id: run.function_id,
    appId: ENDPOINT_APP_ID,
    name: run.function_id.slice(ENDPOINT_FUNCTION_PREFIX.length),
    url: endpointUrl(run.event),
    eventTriggers: [],
    cronTriggers: [],
    maxAttempts: ENDPOINT_MAX_ATTEMPTS,
    concurrency: [],
    cancel: [],
    config: {},
  };
}

/** Where the executor calls a durable endpoint back: the URL of the request that started it. */
export function endpointUrl(event: Record<string, unknown>): string {
  const data = isRecord(event.data) ? event.data : {};
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const query = str(data.query_params);
  return `${str(data.domain)}${str(data.path) || "/"}${query ? `?${query}` : ""}`;
}

/**
 * The token that reads a run's output (`/v1/http/runs/:id/output?token=`): an HMAC of the run
 * id under the signing key, so only who got it from the SDK's redirect can read the output.
 * Without keys (the open dev engine) it is keyed by a constant and guards nothing.
 */
export function endpointToken(runId: string, signingKey: string | undefined): string {
  return createHmac("sha256", signingKey ?? "flowchat-dev-engine")
    .update(`durable-endpoint-output:${runId}`)
    .digest("hex");
}

export function isEndpointToken(runId: string, token: string, signingKey?: string): boolean {
  const a = Buffer.from(token);
  const b = Buffer.from(endpointToken(runId, signingKey));
  return a.length === b.length && timingSafeEqual(a, b);
}

async function applyOps(
  q: Queryable,
  ctx: LifecycleContext,
  deps: EndpointDeps,
  run: LockedRun,
  ops: Op[],
  receivedAt: number,
): Promise<void> {
  if (!ops.every(isSyncOp)) {
    // Async mode: the ops are what a discovery call's answer would have been.
    const fn = endpointFunction(run) as FunctionDef;
    const job: Job = {
      id: ulid(),
      kind: "call",
      run_id: run.id,
      payload: { step: "step", attempt: 0 },
      concurrency_key: null,
      concurrency_limit: null,
      concurrency_key_2: null,
      concurrency_limit_2: null,
    };
    const call = { run, fn, job, stepId: "step", attempt: 0, startedAt: receivedAt, durationMs: 0 };
    // A discovery request (the SDK's checkpointing time is up) asks for what the queued
    // discovery call does anyway.
    const rest = ops.filter((op) => op.op !== "DiscoveryRequest");
    await applyAnswer(q, ctx, deps, call, { kind: "ops", ops: rest, version: undefined });
    ctx.afterCommit(() => ctx.logger.info(`run ${run.id} went async`, { function: fn.id }));
    return;
  }
  for (const op of ops) {
    if (isDeferOp(op)) {
      await applyDeferOp(q, run.id, op);
      continue;
    }
    if (op.op === OpCode.RunComplete) {
      await completeRun(q, ctx, run, endpointOutput(op.data));
      return;
    }
    if (op.op === OpCode.StepFailed) {
      await failRun(q, ctx, run, op.error ?? { name: "Error", message: "The endpoint failed" });
      return;
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
}

/** `POST /v1/checkpoint`: a durable endpoint's first report creates its run. */
export async function startEndpointRun(
  deps: EndpointDeps,
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
    await applyOps(q, ctx, deps, run, ops, receivedAt);
    return { runId, functionId, token: endpointToken(runId, deps.signingKey) };
  });
}

/** `POST /v1/checkpoint/:run/steps`: later steps of a durable endpoint's run, maybe its end. */
export async function checkpointEndpointSteps(
  deps: EndpointDeps,
  runId: string,
  body: unknown,
): Promise<EndpointCheckpointResult> {
  if (!isRecord(body)) throw new DurableEndpointError(400, "Expected an object");
  const ops = parseOps(body.steps);
  const receivedAt = Date.now();
  return inTransaction(deps, async (q, ctx) => {
    const run = await lockRun(q, runId);
    if (!run?.function_id.startsWith(ENDPOINT_FUNCTION_PREFIX)) {
      throw new DurableEndpointError(404, "No durable endpoint run with this id");
    }
    if (run.status !== "running") {
      throw new DurableEndpointError(409, `Run ${runId} has ended (${run.status})`);
    }
    await applyOps(q, ctx, deps, run, ops, receivedAt);
    return { runId, functionId: run.function_id, token: endpointToken(runId, deps.signingKey) };
  });
}

/** How long `GET /v1/http/runs/:id/output` waits for the run to end before answering 202. */
export const OUTPUT_WAIT_MS = 25_000;

export type EndpointOutputAnswer = { status: number; body: string };

/**
 * `GET /v1/http/runs/:id/output?token=`: where the SDK redirects the client of an endpoint
 * that went async. Waits for the run's end: its response body (200), its error (500), or 202
 * while it still runs after `waitMs`. 401 for a wrong token, 404 for no such endpoint run.
 */
export async function endpointRunOutput(
  deps: Pick<WorkerDeps, "sql" | "signingKey">,
  runId: string,
  token: string,
  waitMs = OUTPUT_WAIT_MS,
): Promise<EndpointOutputAnswer> {
  if (!isEndpointToken(runId, token, deps.signingKey)) {
    return { status: 401, body: JSON.stringify({ error: "A valid token is required" }) };
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const run = await loadRunOutcome(deps.sql, runId);
    if (!run?.function_id.startsWith(ENDPOINT_FUNCTION_PREFIX)) {
      return {
        status: 404,
        body: JSON.stringify({ error: "No durable endpoint run with this id" }),
      };
    }
    if (run.status === "completed") {
      const output = run.output;
      return { status: 200, body: typeof output === "string" ? output : JSON.stringify(output) };
    }
    if (run.status === "failed" || run.status === "cancelled") {
      return { status: 500, body: JSON.stringify({ status: run.status, error: run.error }) };
    }
    if (Date.now() >= deadline) {
      return { status: 202, body: JSON.stringify({ run_id: runId, status: "running" }) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `GET /v0/runs/:id/actions`: the run's memoized steps, read by the SDK on an endpoint call. */
export async function endpointRunSteps(q: Queryable, runId: string) {
  const run = await loadRunForCall(q, runId);
  return run ? Object.fromEntries(run.steps) : undefined;
}

/** `GET /v0/runs/:id/batch`: the run's events. */
export async function endpointRunEvents(q: Queryable, runId: string) {
  const run = await loadRunForCall(q, runId);
  return run ? (run.events ?? [run.event]) : undefined;
}
