// How each state of a run and of its steps looks: one palette for the list, the waterfall and
// the graph, light and dark.
import type { RunStatus } from "@/lib/runs/status";
import type { UnitState } from "@/lib/runs/timeline";

export const stateLabel: Record<UnitState, string> = {
  pending: "pending",
  running: "running",
  retrying: "retrying",
  waiting: "waiting",
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  cancelled: "cancelled",
  "not-run": "not run",
};

/** Pills: a state's name on a tinted background. */
export const pillTone: Record<UnitState | RunStatus, string> = {
  queued: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  pending: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  running: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  retrying: "bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-300",
  waiting: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  skipped: "bg-zinc-100 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400",
  cancelled: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  "not-run": "bg-zinc-100 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400",
};

/** A re-run's reused step: succeeded without running, so quieter than a success. */
export const reusedTone =
  "bg-zinc-100 text-zinc-600 ring-1 ring-zinc-300 ring-inset dark:bg-zinc-900 dark:text-zinc-400 dark:ring-zinc-700";

/** Dots and waterfall bars: the state as a solid colour. */
export const solidTone: Record<UnitState, string> = {
  pending: "bg-zinc-300 dark:bg-zinc-600",
  running: "bg-blue-500",
  retrying: "bg-orange-500",
  waiting: "bg-amber-400",
  succeeded: "bg-emerald-500",
  failed: "bg-red-500",
  skipped: "bg-zinc-300 dark:bg-zinc-600",
  cancelled: "bg-zinc-400 dark:bg-zinc-500",
  "not-run": "bg-zinc-300 dark:bg-zinc-600",
};

/** Graph nodes: the state as a border and a wash (n8n style). */
export const nodeTone: Record<UnitState, string> = {
  pending: "border-zinc-300 dark:border-zinc-700",
  running: "border-blue-500 bg-blue-50 dark:bg-blue-950/60",
  retrying: "border-orange-500 bg-orange-50 dark:bg-orange-950/60",
  waiting: "border-amber-500 bg-amber-50 dark:bg-amber-950/60",
  succeeded: "border-emerald-500 bg-emerald-50 dark:bg-emerald-950/60",
  failed: "border-red-500 bg-red-50 dark:bg-red-950/60",
  skipped: "border-dashed border-zinc-400 opacity-70 dark:border-zinc-600",
  cancelled: "border-zinc-400 bg-zinc-100 dark:border-zinc-600 dark:bg-zinc-800",
  "not-run": "border-dashed border-zinc-400 opacity-70 dark:border-zinc-600",
};
