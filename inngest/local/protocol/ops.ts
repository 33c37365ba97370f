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
} as const;

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
};

/**
 * The body the executor POSTs to `?fnId=&stepId=`. `fn_id` and `qi_id` turn checkpointing
 * on (only sent when the SDK can reach the executor's API to post its checkpoints).
 */
export type CallBody = {
  event: Record<string, unknown>;
  events: Record<string, unknown>[];
  steps: Record<string, unknown>;
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
