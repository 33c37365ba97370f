// The SDK's answers to a call (InngestCommHandler, inngest 4.24.0): op codes and shapes.
export const OpCode = {
  StepRun: "StepRun",
  Step: "Step",
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  WaitForEvent: "WaitForEvent",
  InvokeFunction: "InvokeFunction",
  RunComplete: "RunComplete",
  /** `defer()`: start a `createDefer` function once this run ends (not a step). */
  DeferAdd: "DeferAdd",
  /** `defer(...).abort()`: the defer of `opts.target_hashed_id` never starts. */
  DeferAbort: "DeferAbort",
} as const;

/**
 * The id of the SDK's `RunComplete` op (hex SHA-1 of "complete"). A function that throws with
 * defers pending answers 206 `[DeferAdd…, StepError|StepFailed]` with this id: the function's
 * own error, not a step's.
 */
export const RUN_COMPLETE_ID = "0737c22d3bfae812339732d14d8c7dbd6dc4e09c";

/** An op that is not a step: `defer()` bookkeeping riding along with the real ops. */
export function isDeferOp(op: Op): boolean {
  return op.op === OpCode.DeferAdd || op.op === OpCode.DeferAbort;
}

/** A metadata update carried by an op (`score()`, `metadata.update()`, AI usage). */
export type MetadataUpdate = {
  kind: string;
  /** "run": the run's own metadata; "step" (or another scope): the op's step's. */
  scope: string;
  op?: string;
  values: Record<string, unknown>;
};

export type SerializedError = {
  name?: string;
  message?: string;
  stack?: string;
  [k: string]: unknown;
};

export type Op = {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown> & {
    timeout?: string;
    if?: string;
    function_id?: string;
    /** `meta` carries the calling run's sessions (`propagated_sessions`) and any manual ones. */
    payload?: { data?: unknown; v?: string; user?: unknown; meta?: unknown };
  };
  data?: unknown;
  error?: SerializedError;
  userland?: { id: string; index?: number };
  metadata?: MetadataUpdate[];
};

/**
 * The body the executor POSTs to `?fnId=&stepId=`. `fn_id` and `qi_id` turn checkpointing
 * on (only sent when the SDK can reach the executor's API to post its checkpoints).
 */
export type CallBody = {
  event: Record<string, unknown>;
  events: Record<string, unknown>[];
  steps: Record<string, unknown>;
  /** The run's defers by hashed id: the SDK skips adding them again on replay. */
  defers: Record<string, { abortable: boolean }>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    fn_id?: string;
    qi_id?: string;
    stack: { stack: string[]; current: number };
  };
  version: number;
};

/** What one call came back with, already classified. */
export type CallOutcome =
  | { kind: "completed"; data: unknown; version?: number }
  | { kind: "ops"; ops: Op[]; retryAfterMs?: number; version?: number }
  | { kind: "retriable"; error: SerializedError; retryAfterMs?: number; version?: number }
  | { kind: "failed"; error: SerializedError; version?: number }
  /** No connection to the app at all (refused, reset before any answer): not the step's fault. */
  | { kind: "unreachable"; error: SerializedError };
