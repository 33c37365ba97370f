// One application error type: a code, an HTTP status and a message that is safe to show.
// The client rebuilds it from the JSON body; stack traces and SQL never leave the server.
import { logError } from "@/lib/log";

export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limit"
  | "unavailable"
  | "internal";

export type Surface =
  | "auth"
  | "chat"
  | "thread"
  | "api"
  | "model"
  | "database"
  | "workflow"
  | "run";

export type ErrorCode = `${ErrorType}:${Surface}`;

const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  unavailable: 503,
  internal: 500,
};

const defaultMessages: Partial<Record<ErrorCode, string>> = {
  "unauthorized:auth": "Sign in to continue.",
  "not_found:thread": "This conversation does not exist or is not yours.",
  "internal:database": "The database could not complete the request. Try again in a moment.",
};

export class AppError extends Error {
  readonly type: ErrorType;
  readonly surface: Surface;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    const [type, surface] = code.split(":") as [ErrorType, Surface];
    super(message ?? defaultMessages[code] ?? "Something went wrong.");
    this.name = "AppError";
    this.type = type;
    this.surface = surface;
    this.status = statusByType[type];
    this.details = details;
  }

  get code(): ErrorCode {
    return `${this.type}:${this.surface}`;
  }

  toJSON() {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }

  toResponse(): Response {
    // A refused rate limit says when to come back (lib/rate-limit puts it in details).
    const retryAfter = (this.details as { retryAfter?: unknown } | undefined)?.retryAfter;
    const headers =
      this.type === "rate_limit" && typeof retryAfter === "number"
        ? { "Retry-After": String(Math.max(1, Math.ceil(retryAfter))) }
        : undefined;
    return Response.json({ error: this.toJSON() }, { status: this.status, headers });
  }

  /** Rebuilds the error from a response body produced by `toResponse`. */
  static fromJSON(body: unknown): AppError | undefined {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } })
      ?.error;
    if (!error?.code?.includes(":")) return undefined;
    return new AppError(error.code as ErrorCode, error.message, error.details);
  }
}

/** Turns anything thrown in a route into a safe response, logging what is not an AppError. */
export function toErrorResponse(error: unknown, surface: Surface = "api"): Response {
  if (error instanceof AppError) return error.toResponse();
  logError(`[${surface}]`, error);
  return new AppError(`internal:${surface}`).toResponse();
}
