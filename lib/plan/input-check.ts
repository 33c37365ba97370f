// Plan-time validation of a step's input against its action's schema, when strings may hold
// `{{ }}` bindings whose values are only known at run time.
//
// Decision: validate the input as written, then excuse the issues a binding explains, rather
// than rewriting schemas (a zod transformer would have to understand every zod type) or
// substituting typed placeholders (we do not know a binding's type before the run).
//   - a string that is exactly "{{ expr }}" yields a raw value of any type, so every issue
//     *at* that path is excused (wrong type, format, length, enum);
//   - an interpolated string ("Bearer {{ secrets.TOKEN }}") is still a string, so only a
//     wrong-type issue is kept; format, length and enum issues are excused;
//   - a union whose value contains bindings is accepted when one of its branches is left
//     with only excusable issues.
// Everything else (missing required fields, unknown fields, literal values of the wrong
// type) is reported. At run time the interpreter validates the resolved input again with
// the same schema, so a binding that yields the wrong type fails there with a clear message.
import type { z } from "zod";
import { formatPath, type PathSegment, zodIssueMessage } from "./issues";
import { hasTemplate, wholeBinding } from "./template";

export interface InputIssue {
  path: PathSegment[];
  message: string;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as string];
  }
  return current;
}

function excused(issue: z.core.$ZodIssue, base: readonly PropertyKey[], root: unknown): boolean {
  const path = [...base, ...issue.path];
  const value = valueAt(root, path);
  if (typeof value === "string") {
    if (wholeBinding(value) !== undefined) return true;
    if (hasTemplate(value) && issue.code !== "invalid_type") return true;
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    return issue.errors.some((branch) => branch.every((inner) => excused(inner, path, root)));
  }
  return false;
}

/** Issues of `input` against `schema` that bindings do not explain; empty when it fits. */
export function checkInputShape(schema: z.ZodType, input: unknown): InputIssue[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues
    .filter((issue) => !excused(issue, [], input))
    .map((issue) => ({
      path: issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment))),
      message: bindingHint(issue, input, zodIssueMessage(issue, { schema, root: input })),
    }));
}

function bindingHint(issue: z.core.$ZodIssue, input: unknown, message: string): string {
  const value = valueAt(input, issue.path);
  if (issue.code === "invalid_type" && typeof value === "string" && hasTemplate(value)) {
    return `${message} (text around a {{ }} binding makes it text; write the whole value as "{{ expr }}" to pass the raw value)`;
  }
  return message;
}

/** `input.url`-style path of an input issue, for messages outside a plan. */
export function inputIssuePath(issue: InputIssue): string {
  return formatPath(["input", ...issue.path]);
}
