// Where a run's messages sit in its thread. Everything a run posts is stored at the run's
// creation time plus an offset: its card first, then its posts in plan order (whatever order
// parallel branches finished in; a loop's items in item order), then its summary. So a run's
// messages stay together and read the same on every load, and the thread is still read by
// one index, messages (thread_id, created_at, id).
import { MAX_ON_FAILURE_STEPS, MAX_STEPS, type Plan } from "@/lib/plan/schema";

/** A message's place: `at` plus `micros` microseconds. */
export type ThreadPosition = { at: Date; micros: number };

/** Microseconds per plan step: a run's messages span about 12 ms after its creation. */
const PER_STEP = 100;
const MAX_ITEMS = PER_STEP - 1;

export function cardPosition(runCreatedAt: Date): ThreadPosition {
  return { at: runCreatedAt, micros: 0 };
}

/** A step's index in plan order: its steps, then its onFailure steps; unknown ones last. */
export function planIndexOf(plan: Pick<Plan, "steps" | "onFailure"> | undefined, stepId: string) {
  const ids = [...(plan?.steps ?? []), ...(plan?.onFailure ?? [])].map((s) => s.id);
  const index = ids.indexOf(stepId);
  return index === -1 ? MAX_STEPS + MAX_ON_FAILURE_STEPS : index;
}

/** The loop item of a run unit (`post#3` → 3), -1 outside loops. */
export function unitIteration(unitId: string): number {
  const match = /#(\d+)$/.exec(unitId);
  return match ? Number(match[1]) : -1;
}

export function postPosition(
  runCreatedAt: Date,
  planIndex: number,
  iteration: number,
): ThreadPosition {
  const item = Math.min(Math.max(iteration + 1, 0), MAX_ITEMS);
  return { at: runCreatedAt, micros: PER_STEP * (1 + planIndex) + item };
}

export function summaryPosition(runCreatedAt: Date): ThreadPosition {
  return { at: runCreatedAt, micros: PER_STEP * (2 + MAX_STEPS + MAX_ON_FAILURE_STEPS) };
}
