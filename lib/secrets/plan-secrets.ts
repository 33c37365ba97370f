// Secrets a plan names but the person has not stored. A plan may be drafted before its
// secrets exist (the card and the model say what to add), but it is not approved or run
// until they do.
import "server-only";
import { actionRegistry } from "@/lib/actions/registry";
import { listSecretSummaries } from "@/lib/db/secret-queries";
import { AppError } from "@/lib/errors";
import { type PlanIssue, validatePlan } from "@/lib/plan";

const MISSING = /^secrets\.[A-Za-z_]\w*: no secrets? (named|are stored)/;

export async function missingPlanSecrets({
  userId,
  plan,
}: {
  userId: string;
  plan: unknown;
}): Promise<PlanIssue[]> {
  const names = (await listSecretSummaries({ userId })).map((secret) => secret.name);
  const result = validatePlan(plan, { catalog: actionRegistry, secrets: names });
  return result.ok ? [] : result.errors.filter((issue) => MISSING.test(issue.message));
}

/** Refuses, with what to add, when the plan names secrets the person has not stored. */
export async function requirePlanSecrets({
  userId,
  plan,
  doing,
}: {
  userId: string;
  plan: unknown;
  doing: "approve" | "run";
}) {
  const missing = await missingPlanSecrets({ userId, plan });
  if (missing.length === 0) return;
  throw new AppError(
    "conflict:workflow",
    `Add the missing secrets under Settings before you ${doing} this workflow: ${missing
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join("; ")}`,
    { errors: missing },
  );
}

/** A draft's warnings plus one per missing secret, so the model tells the person what to add. */
export async function draftWarnings({
  userId,
  plan,
  warnings,
}: {
  userId: string;
  plan: unknown;
  warnings: PlanIssue[];
}): Promise<PlanIssue[]> {
  const missing = await missingPlanSecrets({ userId, plan });
  return [
    ...warnings,
    ...missing.map((issue) => ({
      ...issue,
      message: `${issue.message} (add it under Settings before approving)`,
    })),
  ];
}
