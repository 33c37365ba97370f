// Inngest's expressions are CEL: trigger `if`, waitForEvent `if`/`match`, cancelOn,
// concurrency and flow-control keys, priority. Compiled once and cached; a missing field is
// "no match", not an error.
import { parse } from "@marcbachmann/cel-js";

type Compiled = ReturnType<typeof parse>;
const cache = new Map<string, Compiled>();

function compileExpression(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    fn = parse(expression);
    if (cache.size > 5000) cache.clear();
    cache.set(expression, fn);
  }
  return fn;
}

/** Throws a readable error when `expression` is not valid CEL. */
export function checkExpression(expression: string): void {
  compileExpression(expression);
}

export function evaluateExpression(expression: string, context: Record<string, unknown>): unknown {
  try {
    return compileExpression(expression)(context);
  } catch {
    return undefined;
  }
}

export function matchesExpression(
  expression: string | null | undefined,
  context: Record<string, unknown>,
): boolean {
  if (!expression) return true;
  return evaluateExpression(expression, context) === true;
}

/** Event-name matching with Inngest's trailing wildcard ("app/*"). */
export function matchesEventName(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return false;
}
