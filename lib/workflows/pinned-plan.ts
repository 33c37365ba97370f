// The one place a stored plan becomes a typed `Plan`: a version's plan is JSON in the database,
// read back through the same schema the model's output and the interpreter go through.
import "server-only";
import type { Workflow, WorkflowVersion } from "@/lib/db/schema";
import { getWorkflowVersion } from "@/lib/db/workflow-queries";
import { type Plan, PlanSchema } from "@/lib/plan/schema";

export type StoredPlan = { ok: true; plan: Plan } | { ok: false; reason: "unreadable" };

/**
 * A stored plan as a `Plan`, or `unreadable` when it does not parse under today's rules (a
 * version saved under older ones). For rows a caller already loaded (a trigger's scan of the
 * active versions); a version looked up by id goes through `loadPinnedPlan`.
 */
export function readStoredPlan(stored: unknown): StoredPlan {
  const parsed = PlanSchema.safeParse(stored);
  return parsed.success ? { ok: true, plan: parsed.data } : { ok: false, reason: "unreadable" };
}

export type PinnedPlan =
  | { ok: true; workflow: Workflow; version: WorkflowVersion; plan: Plan }
  | {
      ok: false;
      /** missing: no such version among this person's; unreadable: its plan does not parse. */
      reason: "missing" | "unreadable";
      message: string;
    };

/**
 * One of the person's versions with its plan parsed: what a run pins and what is checked
 * against it. Another person's version reads as missing. Callers turn a failure into their own
 * answer (a 409, a 404, a failed run), so it is returned, not thrown.
 */
export async function loadPinnedPlan({
  userId,
  versionId,
}: {
  userId: string;
  versionId: string;
}): Promise<PinnedPlan> {
  const row = await getWorkflowVersion({ versionId, userId });
  if (!row) {
    return { ok: false, reason: "missing", message: `version ${versionId} does not exist` };
  }
  const read = readStoredPlan(row.version.plan);
  if (!read.ok) {
    return {
      ok: false,
      reason: "unreadable",
      message: `version ${row.version.number} of "${row.workflow.title}" does not read as a plan`,
    };
  }
  return { ok: true, workflow: row.workflow, version: row.version, plan: read.plan };
}
