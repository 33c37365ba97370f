// Builders shared by the plan tests: a small valid plan to mutate, and issue formatting.
import { actionRegistry } from "@/lib/actions/registry";
import { formatIssues, type ValidateOptions, validatePlan } from "@/lib/plan/validate";

export type PlanJson = Record<string, unknown> & { steps: Record<string, unknown>[] };

/** A valid two-step plan; each test copies and breaks it in one way. */
export function basePlan(): PlanJson {
  return {
    version: 1,
    title: "Incident digest",
    trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "Europe/Berlin" },
    steps: [
      {
        id: "fetch",
        action: "http.request",
        input: { url: "https://status.example.com/api/incidents" },
      },
      {
        id: "post",
        action: "chat.post",
        after: ["fetch"],
        input: { text: "{{ steps.fetch.output.body }}" },
      },
    ],
  };
}

export function errorLines(plan: unknown, options: Partial<ValidateOptions> = {}): string[] {
  const result = validatePlan(plan, { catalog: actionRegistry, ...options });
  return result.ok ? [] : formatIssues(result.errors);
}

export function warningLines(plan: unknown, options: Partial<ValidateOptions> = {}): string[] {
  return formatIssues(validatePlan(plan, { catalog: actionRegistry, ...options }).warnings);
}
