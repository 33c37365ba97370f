// Validation issues as people read them: a JSON path into the plan and a message, and the
// translation of zod's issues into that form.
import type { z } from "zod";
import { didYouMean } from "./suggest";

export interface PlanIssue {
  /** Where in the plan, like `steps[2].input.url`; "" for the plan as a whole. */
  path: string;
  message: string;
}

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["steps", 2, "input", "url"]` → `steps[2].input.url`; odd keys in brackets. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Words for the kind of value a person wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

const EXPECTED_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
  null: "null",
};

/** Common names models and people use for plan fields, mapped to the real ones. */
const FIELD_ALIASES: Record<string, string> = {
  dependsOn: "after",
  depends_on: "after",
  dependencies: "after",
  needs: "after",
  condition: "if",
  when: "if",
  loop: "forEach",
  for_each: "forEach",
  foreach: "forEach",
  each: "forEach",
  params: "input",
  parameters: "input",
  args: "input",
  with: "input",
  inputs: "input",
  type: "action",
  name: "title",
  description: "summary",
  on_error: "onError",
  continueOnError: "onError",
  on_failure: "onFailure",
  timeZone: "timezone",
  tz: "timezone",
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as string];
  }
  return current;
}

/** Best-effort: the object keys a zod schema accepts at a path (for "did you mean"). */
export function knownKeysAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  root: unknown,
): string[] {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let node = s as { def?: Record<string, unknown> } | undefined;
    for (let guard = 0; guard < 10 && node?.def; guard++) {
      const def = node.def;
      if (
        def.type === "optional" ||
        def.type === "nullable" ||
        def.type === "default" ||
        def.type === "readonly"
      ) {
        node = def.innerType as typeof node;
      } else if (def.type === "pipe") {
        node = def.in as typeof node;
      } else break;
    }
    return node;
  };
  for (let i = 0; i <= path.length; i++) {
    const node = unwrap(current) as
      | { def?: Record<string, unknown>; shape?: Record<string, unknown> }
      | undefined;
    if (!node?.def) return [];
    if (node.def.type === "union") {
      // Pick the branch whose discriminator or shape matches the value at this point.
      const value = valueAt(root, path.slice(0, i)) as Record<string, unknown> | undefined;
      const options = (node.def.options as unknown[]) ?? [];
      const match = options.find((option) => {
        const shape = (
          unwrap(option) as { shape?: Record<string, { def?: { values?: unknown[] } }> }
        )?.shape;
        const discriminator = shape?.type?.def?.values;
        return value && Array.isArray(discriminator) && discriminator.includes(value.type);
      });
      current = match ?? options[0];
      i--;
      if (!match) return [];
      continue;
    }
    if (i === path.length) return node.shape ? Object.keys(node.shape) : [];
    const segment = path[i];
    if (node.def.type === "object" && node.shape) current = node.shape[String(segment)];
    else if (node.def.type === "array") current = node.def.element;
    else if (node.def.type === "record") current = node.def.valueType;
    else return [];
  }
  return [];
}

function plural(count: number | bigint, word: string): string {
  return `${count} ${word}${Number(count) === 1 ? "" : "s"}`;
}

/** Zod's own messages start this way; ours (from the schema) are kept as written. */
function isZodDefault(message: string): boolean {
  return /^(Invalid|Too |Expected|Unrecognized)/.test(message);
}

/** One zod issue as a person-readable message (without the path). */
export function zodIssueMessage(
  issue: z.core.$ZodIssue,
  options: { schema?: z.ZodType; root?: unknown } = {},
): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      const value = options.root === undefined ? issue.input : valueAt(options.root, issue.path);
      if (value === undefined) return `is required (${expected})`;
      return `expected ${expected}, got ${describeValue(value)}`;
    }
    case "unrecognized_keys": {
      const known =
        options.schema && options.root !== undefined
          ? knownKeysAt(options.schema, issue.path, options.root)
          : [];
      return issue.keys
        .map((key) => {
          const alias = FIELD_ALIASES[key];
          const hint =
            alias && known.includes(alias) ? ` (did you mean "${alias}"?)` : didYouMean(key, known);
          const list = known.length > 0 && !hint ? `; allowed: ${known.join(", ")}` : "";
          return `unknown field "${key}"${hint}${list}`;
        })
        .join("; ");
    }
    case "too_small": {
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? "must not be empty"
          : `must be at least ${plural(issue.minimum, "character")}`;
      }
      if (issue.origin === "array") return `needs at least ${plural(issue.minimum, "item")}`;
      return issue.inclusive === false
        ? `must be greater than ${issue.minimum}`
        : `must be at least ${issue.minimum}`;
    }
    case "too_big": {
      if (issue.origin === "string") return `must be at most ${plural(issue.maximum, "character")}`;
      if (issue.origin === "array") return `has more than ${plural(issue.maximum, "item")}`;
      return issue.inclusive === false
        ? `must be less than ${issue.maximum}`
        : `must be at most ${issue.maximum}`;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => JSON.stringify(v));
      const got = options.root === undefined ? issue.input : valueAt(options.root, issue.path);
      const allowed = values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
      if (got === undefined) return `is required: ${allowed}`;
      return `must be ${allowed}, got ${describeValue(got)}`;
    }
    case "invalid_union": {
      if (issue.discriminator) {
        const choices = (issue as { options?: unknown[] }).options ?? [];
        const allowed = choices.map((v) => JSON.stringify(v)).join(", ");
        // zod points discriminator issues at the discriminator itself.
        const got =
          options.root === undefined
            ? undefined
            : issue.path[issue.path.length - 1] === issue.discriminator
              ? valueAt(options.root, issue.path)
              : (valueAt(options.root, [...issue.path, issue.discriminator]) as unknown);
        if (got === undefined) return `is required: one of ${allowed}`;
        return `must be one of ${allowed}, got ${describeValue(got)}`;
      }
      return "does not match any of the accepted forms";
    }
    case "invalid_format":
      if (!isZodDefault(issue.message)) return issue.message;
      return issue.format === "regex" ? "has the wrong format" : `is not a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}
