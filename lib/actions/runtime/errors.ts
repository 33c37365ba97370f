// Errors an action throws: a code, a message that says what failed (secrets already
// redacted), and whether another attempt could succeed. The interpreter maps
// `retriable: false` to Inngest's NonRetriableError and keeps the rest retrying.
import { NetworkError } from "@/lib/net/errors";
import type { Redactor } from "@/lib/secrets/redact";

export type ActionErrorCode =
  | "invalid_input"
  | "invalid_output"
  | "not_configured"
  | "refused" // SSRF guard
  | "network"
  | "timeout"
  | "http_status"
  | "too_large"
  | "upstream" // the remote service said no (SMTP rejection, Slack error…)
  | "tool_error" // an MCP tool reported isError
  | "not_found"
  | "limit"
  | "cancelled"
  | "internal";

export interface ActionErrorOptions {
  code: ActionErrorCode;
  retriable: boolean;
  /** HTTP or SMTP status when there is one. */
  status?: number;
  /** The server's Retry-After, when it gave one. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ActionError extends Error {
  readonly code: ActionErrorCode;
  readonly retriable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, options: ActionErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "ActionError";
    this.code = options.code;
    this.retriable = options.retriable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** What a run record stores. */
  toJSON() {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }
}

/** An error no retry can fix: bad input, refused destination, 4xx, a rejected recipient. */
export class NonRetriableActionError extends ActionError {
  constructor(message: string, options: Omit<ActionErrorOptions, "retriable">) {
    super(message, { ...options, retriable: false });
    this.name = "NonRetriableActionError";
  }
}

/**
 * The run was cancelled while this action ran (or before it started): the unit's signal is
 * aborted with this error as its reason. Not a failure, never retried; a step timeout aborts
 * with a `timeout` ActionError instead, which stays retriable.
 */
export class RunCancelledError extends ActionError {
  constructor(message = "cancelled: the run was cancelled") {
    super(message, { code: "cancelled", retriable: false });
    this.name = "RunCancelledError";
  }
}

/** The run's cancel, when that is why `signal` was aborted (not a timeout). */
export function cancellationOf(signal: AbortSignal | undefined): RunCancelledError | undefined {
  return signal?.aborted && signal.reason instanceof RunCancelledError ? signal.reason : undefined;
}

/** 408, 425, 429 and 5xx may succeed later; any other 4xx will not. */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Anything thrown counts as retriable unless it says otherwise. */
export function isRetriable(error: unknown): boolean {
  const flag = (error as { retriable?: unknown } | null)?.retriable;
  return typeof flag === "boolean" ? flag : true;
}

/** Seconds or an HTTP date, as milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const networkCodes: Record<string, ActionErrorCode> = {
  refused_address: "refused",
  timeout: "timeout",
  aborted: "cancelled",
  response_too_large: "too_large",
};

/**
 * Any thrown value as an ActionError with secrets redacted from its message. The cause is
 * not kept: it may carry request options (headers, URLs) with secret values.
 */
export function toActionError(error: unknown, redactor: Redactor): ActionError {
  if (error instanceof ActionError) {
    if (!redactor.active) return error;
    const message = redactor.text(error.message);
    if (message === error.message) return error;
    const copy = new ActionError(message, {
      code: error.code,
      retriable: error.retriable,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
    });
    copy.name = error.name;
    return copy;
  }
  if (error instanceof NetworkError) {
    return new ActionError(redactor.text(error.message), {
      code: networkCodes[error.code] ?? "network",
      retriable: error.retriable,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ActionError(redactor.text(message || "The action failed"), {
    code: "internal",
    retriable: isRetriable(error),
  });
}
