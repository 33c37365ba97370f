// Values for a manual trigger's typed inputs ("Run now" form, `plan run --input`): check
// them against the declaration and fill in defaults.
import { describeValue, type PlanIssue } from "./issues";
import type { InputField, InputItem, Trigger } from "./schema";

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

const list = (options: readonly (string | number)[]) =>
  options.map((v) => JSON.stringify(v)).join(", ");

/**
 * What is wrong with a value for a declared input, if anything: its type, its enum, and for
 * arrays with `items`, each item (with its index in `at`).
 */
export function inputValueProblem(
  field: Pick<InputField, "type" | "enum" | "items">,
  value: unknown,
): { at?: number; message: string } | undefined {
  if (!matchesInputType(field.type, value)) {
    return { message: `expected ${field.type}, got ${describeValue(value)}` };
  }
  if (field.enum && !field.enum.includes(value as string | number)) {
    return { message: `must be one of ${list(field.enum)}, got ${describeValue(value)}` };
  }
  if (field.type === "array" && field.items) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const problem = itemProblem(field.items, items[i]);
      if (problem) return { at: i, message: problem };
    }
  }
  return undefined;
}

function itemProblem(item: InputItem, value: unknown): string | undefined {
  if (!matchesInputType(item.type, value)) {
    return `expected ${item.type}, got ${describeValue(value)}`;
  }
  if (item.enum && !item.enum.includes(value as string | number)) {
    return `must be one of ${list(item.enum)}, got ${describeValue(value)}`;
  }
  return undefined;
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
    const problem = inputValueProblem(field, value);
    if (problem) {
      errors.push({
        path: problem.at === undefined ? name : `${name}[${problem.at}]`,
        message: problem.message,
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
