// Types shared across the executor's modules.
import type { AppFetch } from "./protocol/call";

export type EngineLogger = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

/** One line: the time (ISO, UTC), `[engine]`, the message and its fields as JSON. */
export function formatLogLine(message: string, fields?: Record<string, unknown>, now = new Date()) {
  return `${now.toISOString()} [engine] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`;
}

export const consoleLogger: EngineLogger = {
  info: (m, f) => console.log(formatLogLine(m, f)),
  warn: (m, f) => console.warn(formatLogLine(m, f)),
  error: (m, f) => console.error(formatLogLine(m, f)),
};

export const silentLogger: EngineLogger = { info() {}, warn() {}, error() {} };

/** An SDK app to drive: its `serve()` URL, and optionally an in-process handler for it. */
export type AppTarget = {
  url: string;
  /** Called instead of the network, e.g. the Next route's `POST`/`PUT` wrapped as one fetch. */
  fetch?: AppFetch;
};

export type EventTrigger = { event: string; expression?: string };
/** A cron schedule; `jitterMs` delays each tick by a random time up to it. */
export type CronTrigger = { cron: string; jitterMs?: number };

/** One concurrency limit; `scope` "env"/"account" share the key across functions. */
export type Concurrency = { limit: number; key?: string; scope: "fn" | "env" | "account" };

/**
 * Inngest's flow control, as the executor acts on it (durations in ms). Only the options a
 * function declares are present: a function with none costs nothing on the hot path.
 */
export type FlowControl = {
  /** CEL key: one run per key per 24 h. */
  idempotency?: string;
  /** Over `limit` runs per `periodMs` (per key), events start nothing. */
  rateLimit?: { limit: number; periodMs: number; key?: string };
  /** Over `limit` run starts per `periodMs` (+ `burst`), runs start later (FIFO). */
  throttle?: { limit: number; periodMs: number; burst: number; key?: string };
  /** One run per `maxSize` events or `timeoutMs` after the first (per key); `if` picks them. */
  batch?: { maxSize: number; timeoutMs: number; key?: string; if?: string };
  /** Runs once with the last event, `periodMs` after the burst settles (at most `timeoutMs`). */
  debounce?: { periodMs: number; timeoutMs?: number; key?: string };
  /** At most one active run per key: a new one is skipped, or replaces the active one. */
  singleton?: { mode: "skip" | "cancel"; key?: string };
  /** CEL giving seconds (-600..600): earlier (positive) or later (negative) first call. */
  priority?: string;
  /** Cancel a run not started within `startMs`, or not finished `finishMs` after it started. */
  timeouts?: { startMs?: number; finishMs?: number };
};

export type CancelOn = { event: string; if?: string; timeout?: string };

/** A function as the SDK declared it, reduced to what the executor acts on. */
export type FunctionDef = {
  id: string;
  appId: string;
  name: string;
  url: string;
  eventTriggers: EventTrigger[];
  cronTriggers: CronTrigger[];
  maxAttempts: number;
  /** Up to two limits (Inngest's maximum). */
  concurrency: Concurrency[];
  cancel: CancelOn[];
  flow?: FlowControl;
  config: Record<string, unknown>;
};

export type JobKind =
  | "event"
  | "call"
  | "sleep"
  | "wait_timeout"
  | "invoke_timeout"
  | "cron"
  | "debounce"
  | "batch"
  | "run_timeout";

export type Job = {
  id: string;
  kind: JobKind;
  run_id: string | null;
  payload: Record<string, unknown>;
  concurrency_key: string | null;
  concurrency_limit: number | null;
  concurrency_key_2: string | null;
  concurrency_limit_2: number | null;
};

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export type EventInput = {
  name: string;
  data?: unknown;
  id?: string;
  ts?: number;
  user?: unknown;
  v?: string;
  /** Sessions grouping runs (Inngest's event `meta`); see event-meta.ts. */
  meta?: unknown;
};

export type StepAttempt = {
  attempt: number;
  outcome: "ok" | "error" | "failed";
  error: unknown;
  startedAt: Date;
  durationMs: number;
};

export type RunStep = {
  id: string;
  name: string | null;
  status: "completed" | "failed" | "running" | "retrying";
  output: unknown;
  completedAt: Date | null;
  attempts: StepAttempt[];
};

export type RunSummary = {
  id: string;
  functionId: string;
  appId: string;
  eventId: string;
  status: RunStatus;
  output: unknown;
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  parentRunId: string | null;
};

export type RunDetail = RunSummary & {
  event: unknown;
  steps: RunStep[];
  /** Errors raised outside any step (function-level attempts). */
  functionErrors: StepAttempt[];
};
