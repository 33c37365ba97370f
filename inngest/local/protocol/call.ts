// One request to an SDK function endpoint and the classification of its answer
// (InngestCommHandler L920-1020: 200 done, 206 ops, 500 retriable, 400 + No-Retry final).
import { createHash, randomBytes } from "node:crypto";
import type { CallBody, CallOutcome, Op, SerializedError } from "./ops";
import { signBody } from "./signing";

export type AppFetch = (request: Request) => Promise<Response>;

/**
 * The W3C `traceparent` of one call: the run's trace (its id hashed, so every call of a run
 * shares it) and a span of its own, as Inngest's executor sends. The SDK only attributes
 * OpenTelemetry spans to a step (its AI usage metadata) on a call that carries one.
 */
export function traceparentFor(runId: string): string {
  const traceId = createHash("sha256").update(runId).digest("hex").slice(0, 32);
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function asError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as SerializedError;
    if (typeof v.message === "string" || typeof v.name === "string") return v;
    if (typeof (v as { error?: unknown }).error === "string") {
      return { name: "Error", message: String((v as { error: string }).error) };
    }
  }
  if (typeof value === "string" && value) return { name: "Error", message: value };
  return { name: "Error", message: fallback };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Socket errors meaning the request never got an answer from a live app process. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

/**
 * True when fetch failed because the app's process is not there (nothing listens, or the
 * connection was dropped before any answer): a process that is gone or restarting, which
 * is no reason to spend one of the step's attempts. Timeouts and answers are not.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code)) return true;
    const nested = (e as { errors?: unknown[] }).errors; // AggregateError of a dual-stack connect
    if (Array.isArray(nested) && nested.some(isUnreachable)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export async function callFunction(options: {
  fetch: AppFetch;
  url: string;
  stepId: string;
  body: CallBody;
  signingKey?: string;
  timeoutMs?: number;
  /** The queue item this request serves (`ctx.jobId` in the SDK) and this request's id. */
  jobId?: string;
  requestId?: string;
  /**
   * A durable endpoint's URL rather than a `serve()` handler: it tells an executor's call
   * from a client's request by `x-run-id` beside a signature header (empty unsigned).
   */
  endpointRun?: boolean;
}): Promise<CallOutcome> {
  const url = new URL(options.url);
  url.searchParams.set("stepId", options.stepId);
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (options.jobId) headers["x-inngest-job-id"] = options.jobId;
  if (options.requestId) headers["x-request-id"] = options.requestId;
  headers.traceparent = traceparentFor(options.body.ctx.run_id);
  if (options.signingKey)
    headers["x-inngest-signature"] = signBody(options.body, options.signingKey);
  if (options.endpointRun) {
    headers["x-run-id"] = options.body.ctx.run_id;
    headers["x-inngest-signature"] ??= "";
  }
  let res: Response;
  try {
    res = await options.fetch(
      new Request(url, {
        method: "POST",
        headers,
        body: JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000),
      }),
    );
  } catch (error) {
    if (isUnreachable(error)) {
      return {
        kind: "unreachable",
        error: { name: "FetchError", message: `Could not reach ${url.origin}: ${String(error)}` },
      };
    }
    return {
      kind: "retriable",
      error: { name: "FetchError", message: `Could not reach ${url.origin}: ${String(error)}` },
    };
  }
  const text = await res.text();
  const body = parseJson(text);
  const versionHeader = Number(res.headers.get("x-inngest-req-version"));
  const version = Number.isFinite(versionHeader) && versionHeader > 0 ? versionHeader : undefined;
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  const noRetry = res.headers.get("x-inngest-no-retry") === "true";
  if (res.status === 200) return { kind: "completed", data: body, version };
  if (res.status === 206) {
    const ops = (Array.isArray(body) ? body : [body]) as Op[];
    return { kind: "ops", ops, retryAfterMs, version };
  }
  const error = asError(body, `The app answered ${res.status}`);
  if (res.status === 400 && noRetry) return { kind: "failed", error, version };
  if (res.status >= 400 && res.status < 500 && res.status !== 401 && noRetry) {
    return { kind: "failed", error, version };
  }
  return { kind: "retriable", error, retryAfterMs, version };
}
