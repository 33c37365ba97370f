// Resolving `{{ expr }}` bindings in a step's input: a whole-string binding yields the raw
// value, an interpolation yields text.
import { type EvaluationEnv, ExpressionError, evaluateExpression } from "./expression";
import { findMissingPath } from "./missing";
import { MAX_PLAN_DEPTH } from "./schema";
import { scanTemplate, TemplateSyntaxError, wholeBinding } from "./template";

export class BindingError extends Error {
  constructor(
    message: string,
    /** Where in the input, like "headers.Authorization". */
    readonly path: string,
    readonly expression?: string,
  ) {
    super(message);
    this.name = "BindingError";
  }
}

/** How an interpolated value reads inside text: JSON for objects and lists, "" for nothing. */
export function interpolationText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function pathText(path: (string | number)[]): string {
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
    )
    .join("");
}

/**
 * A binding's value, which must exist: a binding to nothing would silently become "" in
 * text or vanish from a JSON body. The error names the path that was missing.
 */
async function requiredValue(
  source: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
): Promise<unknown> {
  const value = await evaluateExpression(source, scope, env);
  if (value !== undefined) return value;
  const missing = await findMissingPath(source, scope, env);
  const expression = source.trim();
  const what = missing
    ? missing.text
    : "it gave no value (a filter that matches nothing gives no value)";
  throw new ExpressionError(
    `${what}; to allow that, give a default: {{ ${expression} ?? "n/a" }}`,
    source,
  );
}

async function resolveString(
  text: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
  path: (string | number)[],
): Promise<unknown> {
  if (!text.includes("{{")) return text;
  try {
    const whole = wholeBinding(text);
    if (whole !== undefined) return await requiredValue(whole, scope, env);
    let out = "";
    for (const segment of scanTemplate(text)) {
      out +=
        segment.kind === "text"
          ? segment.value
          : interpolationText(await requiredValue(segment.source, scope, env));
    }
    return out;
  } catch (error) {
    const where = pathText(path) || "input";
    if (error instanceof ExpressionError) {
      throw new BindingError(
        `${where}: {{ ${error.expression.trim()} }} failed: ${error.message}`,
        where,
        error.expression,
      );
    }
    if (error instanceof TemplateSyntaxError)
      throw new BindingError(`${where}: ${error.message}`, where);
    throw error;
  }
}

/**
 * A copy of `value` with every binding evaluated against `scope`. Keys are never
 * templates; only string values are.
 */
export async function resolveBindings(
  value: unknown,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
  path: (string | number)[] = [],
): Promise<unknown> {
  if (typeof value === "string") return resolveString(value, scope, env, path);
  // Validated inputs nest at most MAX_PLAN_DEPTH levels; anything deeper did not come through
  // validation, and is refused before the recursion below could overflow.
  if (path.length > MAX_PLAN_DEPTH && value !== null && typeof value === "object") {
    const where = pathText(path);
    throw new BindingError(
      `${where}: the input nests deeper than ${MAX_PLAN_DEPTH} levels; flatten it`,
      where,
    );
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++)
      out.push(await resolveBindings(value[i], scope, env, [...path, i]));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const resolved = await resolveBindings(child, scope, env, [...path, key]);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return value;
}

/** Stand-ins for secret values when resolving an input for display or logs. */
export function redactedSecrets(names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = `[secret:${name}]`;
  return out;
}
