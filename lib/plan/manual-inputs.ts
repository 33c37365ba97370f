// Values for a manual trigger's typed inputs ("Run now" form, `plan run --input`): check
// them against the declaration and fill in defaults.
import { describeValue, type PlanIssue } from "./issues";
import type { InputField, Trigger } from "./schema";

export type ManualInputResult =
  | { ok: true; inputs: Record<string, unknown> }
  | { ok: false; errors: PlanIssue[] };

/** Whether a value is of a manual input's declared type. */
export function matchesInputType(type: InputField["type"], value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
  }
}

/** Checks `values` against a manual trigger's inputs; unknown names are errors too. */
export function validateManualInputs(
  trigger: Trigger,
  values: Record<string, unknown> = {},
): ManualInputResult {
  const declared = trigger.type === "manual" ? (trigger.inputs ?? {}) : {};
  const errors: PlanIssue[] = [];
  const inputs: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(declared)) {
    const value = values[name] ?? field.default;
    if (value === undefined) {
      if (field.required !== false)
        errors.push({ path: name, message: `is required (${field.type})` });
      continue;
    }
    if (!matchesInputType(field.type, value)) {
      errors.push({ path: name, message: `expected ${field.type}, got ${describeValue(value)}` });
    } else if (field.enum && !field.enum.includes(value as string | number)) {
      errors.push({
        path: name,
        message: `must be one of ${field.enum.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(value)}`,
      });
    } else {
      inputs[name] = value;
    }
  }
  for (const name of Object.keys(values)) {
    if (!(name in declared)) {
      const known = Object.keys(declared);
      errors.push({
        path: name,
        message:
          known.length > 0
            ? `unknown input; declared: ${known.join(", ")}`
            : "this workflow takes no inputs",
      });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, inputs };
}
