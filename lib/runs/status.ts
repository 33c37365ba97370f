// A run's statuses and which of them are final: one vocabulary for the server, the browser and
// the tools. The row types are imported as types only, so nothing of the database reaches the
// browser.
import type { Run, RunStep } from "@/lib/db/schema";

export type RunStatus = Run["status"];
export type StepStatus = RunStep["status"];

/** A run in one of these has ended for good: nothing changes it any more. */
export const TERMINAL_STATUSES = [
  "succeeded",
  "failed",
  "cancelled",
] as const satisfies readonly RunStatus[];

/** A run in one of these may still change (start, wait, finish, be cancelled). */
export const ACTIVE_STATUSES = [
  "queued",
  "running",
  "waiting",
] as const satisfies readonly RunStatus[];

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

const terminal: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/** Whether a run with this status has ended (succeeded, failed or cancelled). */
export function isTerminal(status: string): status is TerminalStatus {
  return terminal.has(status);
}
