// What a new plan changes against a stored version: the revision's "changes", the card's diff
// and the "nothing changed" check of an edit all read it from here.
import type { WorkflowVersion } from "@/lib/db/schema";
import { diffPlans, renderPlanDiff } from "@/lib/plan/diff";
import type { Plan } from "@/lib/plan/schema";
import { readStoredPlan } from "./pinned-plan";

export type VersionChanges = { unchanged: boolean; lines: string[] };

/**
 * The changes from `before` (a stored version) to `after`, as text lines. A version that no
 * longer reads under today's rules is replaced whole, never "unchanged".
 */
export function changesSince({
  before,
  after,
}: {
  before: WorkflowVersion;
  after: Plan;
}): VersionChanges {
  const read = readStoredPlan(before.plan);
  if (!read.ok) {
    return {
      unchanged: false,
      lines: [`~ the whole plan (version ${before.number} does not read under today's rules)`],
    };
  }
  const diff = diffPlans(read.plan, after);
  return { unchanged: diff.unchanged, lines: renderPlanDiff(diff) };
}
