// The secrets a plan names (`{{ secrets.SLACK_WEBHOOK }}`), read from the same expression sites
// validation checks, so whoever gates approval compares names instead of reading messages.
import type { ActionCatalog } from "./catalog";
import { expressionUsage, parseExpression } from "./expression";
import { expressionSites } from "./expression-sites";
import { formatPath } from "./issues";
import type { Plan } from "./schema";
import { didYouMean } from "./suggest";

export interface SecretReference {
  name: string;
  /** Where the plan names it, like `steps[0].input.headers.Authorization`. */
  path: string;
}

/**
 * Every secret reference in the plan's inputs, conditions and loops, in plan order, once per
 * name and path. Expressions that do not parse are left out (validation reports them).
 */
export function findSecretReferences(
  plan: Plan,
  options: { catalog?: ActionCatalog } = {},
): SecretReference[] {
  const found: SecretReference[] = [];
  const seen = new Set<string>();
  for (const site of expressionSites(plan, options)) {
    const parsed = parseExpression(site.source);
    if (!parsed.ok) continue;
    for (const ref of expressionUsage(parsed.ast).references) {
      if (ref.root !== "secrets" || !ref.name) continue;
      const path = formatPath(site.path);
      const key = `${ref.name}\n${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ name: ref.name, path });
    }
  }
  return found;
}

/** The names of the secrets the plan references, each once, in plan order. */
export function secretReferences(plan: Plan, options: { catalog?: ActionCatalog } = {}): string[] {
  return [...new Set(findSecretReferences(plan, options).map((ref) => ref.name))];
}

/** What to tell a person (or the model) whose plan names a secret they have not stored. */
export function missingSecretMessage(name: string, stored: readonly string[]): string {
  return stored.length === 0
    ? `secrets.${name}: no secrets are stored yet; add a secret named "${name}" first`
    : `secrets.${name}: no secret named "${name}"${didYouMean(name, stored)}; stored secrets: ${stored.join(", ")}`;
}
