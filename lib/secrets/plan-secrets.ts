// Secrets a plan names but the person has not stored. A plan may be drafted before its
// secrets exist (the card and the model say what to add), but it is not approved or run
// until they do.
import "server-only";
import { listSecretSummaries } from "@/lib/db/secret-queries";
import { AppError } from "@/lib/errors";
import { findSecretReferences, missingSecretMessage, type PlanIssue, PlanSchema } from "@/lib/plan";

/**
 * One issue per place the plan names a secret the person has not stored (the names compared,
 * from `findSecretReferences`). A plan that does not parse names nothing; validation says why.
 */
export async function missingPlanSecrets({
  userId,
  plan,
}: {
  userId: string;
  plan: unknown;
}): Promise<PlanIssue[]> {
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) return [];
  const references = findSecretReferences(parsed.data);
  if (references.length === 0) return [];
  const stored = (await listSecretSummaries({ userId })).map((secret) => secret.name);
  return references
    .filter((reference) => !stored.includes(reference.name))
    .map((reference) => ({
      path: reference.path,
      message: missingSecretMessage(reference.name, stored),
    }));
}

/** Refuses, with what to add, when the plan names secrets the person has not stored. */
export async function requirePlanSecrets({
  userId,
  plan,
  doing,
}: {
  userId: string;
  plan: unknown;
  doing: "approve" | "run" | "test";
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
