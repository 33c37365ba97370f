// Which path of an expression read nothing, said precisely: "steps.lookup.output.employees is
// missing (steps.lookup.output has: name, domain)". Bindings use it when a value comes out
// empty; conditions with an otherwise branch use it before deciding.
import {
  type EvaluationEnv,
  type ExpressionAst,
  evaluateExpression,
  parseExpression,
  SCOPE_ROOTS,
} from "./expression";

export interface MissingPath {
  /** The path as written, without `$$.` ("steps.lookup.output.employees"). */
  path: string;
  /** One sentence: the path, and what its longest existing prefix holds. */
  text: string;
}

type Node = ExpressionAst;

function isNode(value: unknown): value is Node {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WORDS = new Set(["and", "or", "in", "true", "false", "null", "function"]);

/** `a.b.c`; names that are not plain identifiers in backticks, as JSONata writes them. */
function pathSource(names: readonly string[]): string {
  return names
    .map((name) => (IDENTIFIER.test(name) && !WORDS.has(name) ? name : `\`${name}\``))
    .join(".");
}

/**
 * The names of a path that reads the scope (its first name a scope root, or after `$$`),
 * when every step is a plain name without filters; undefined for anything else.
 */
function rootPath(node: Node, relative: boolean): string[] | undefined {
  if (node.type !== "path" || !Array.isArray(node.steps)) return undefined;
  const steps = node.steps as Node[];
  let start = 0;
  const first = steps[0];
  if (first?.type === "variable" && (first.value === "$" || (first.value === "" && !relative))) {
    start = 1;
  } else if (relative) {
    return undefined;
  }
  const names: string[] = [];
  for (const step of steps.slice(start)) {
    if (step.type !== "name" || typeof step.value !== "string") return undefined;
    if (step.stages || step.predicate || step.group || step.focus || step.index) return undefined;
    names.push(step.value);
  }
  if (names.length === 0 || !(SCOPE_ROOTS as readonly string[]).includes(names[0])) {
    return undefined;
  }
  return names;
}

interface Candidates {
  paths: string[][];
  /** Paths tested with $exists somewhere (directly, or through `??`): absence is expected. */
  guarded: Set<string>;
}

/**
 * Plain scope paths of an expression, in reading order. `operandsOnly`: only the direct
 * operands of comparisons and `in` (what a condition compares), else every plain path that
 * is not inside a filter or a later path step.
 */
function candidates(ast: Node, operandsOnly: boolean): Candidates {
  const paths: string[][] = [];
  const guarded = new Set<string>();
  const visit = (node: unknown, relative: boolean, operand: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, relative, operand);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === "function" && isNode(node.procedure)) {
      const procedure = node.procedure;
      if (procedure.type === "variable" && procedure.value === "exists") {
        for (const arg of (node.arguments as Node[]) ?? []) {
          const names = rootPath(arg, relative);
          if (names) guarded.add(names.join("."));
        }
      }
    }
    if (node.type === "path") {
      const names = rootPath(node, relative);
      if (names && (!operandsOnly || operand)) paths.push(names);
      const steps = (node.steps as Node[]) ?? [];
      steps.forEach((step, i) => {
        // Later steps and every filter are read relative to the values before them.
        for (const [key, child] of Object.entries(step)) {
          if (key === "type" || key === "value" || key === "position") continue;
          visit(child, relative || i > 0 || key === "stages" || key === "predicate", false);
        }
      });
      return;
    }
    const comparison =
      node.type === "binary" &&
      ["=", "!=", "<", "<=", ">", ">=", "in"].includes(String(node.value));
    for (const [key, child] of Object.entries(node)) {
      if (key === "type" || key === "value" || key === "position") continue;
      const relativeChild = relative || key === "stages" || key === "predicate" || key === "group";
      const isOperand =
        (comparison && (key === "lhs" || key === "rhs")) || (operand && node.type === "block");
      visit(child, relativeChild, isOperand);
    }
  };
  visit(ast, false, false);
  return { paths, guarded };
}

function describeHolding(value: unknown): string {
  if (Array.isArray(value)) return `is a list of ${value.length}`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "is an empty object";
    const shown = keys.slice(0, 8).join(", ");
    return `has: ${shown}${keys.length > 8 ? `, … (${keys.length} fields)` : ""}`;
  }
  return `is ${value === null ? "null" : typeof value === "string" ? "text" : typeof value}`;
}

async function firstMissing(
  names: string[],
  scope: Record<string, unknown>,
  env: EvaluationEnv,
): Promise<MissingPath | undefined> {
  if (names[0] === "secrets" && names.length > 1 && scope.secrets !== undefined) {
    const secrets = scope.secrets as Record<string, unknown>;
    if (secrets[names[1]] === undefined) {
      return { path: pathSource(names), text: `the secret ${names[1]} is not available here` };
    }
  }
  let previous: unknown = scope[names[0]];
  if (previous === undefined) {
    return { path: names[0], text: `${names[0]} is missing (not available here)` };
  }
  for (let length = 2; length <= names.length; length++) {
    const prefix = names.slice(0, length);
    let value: unknown;
    try {
      value = await evaluateExpression(pathSource(prefix), scope, env);
    } catch {
      return undefined;
    }
    if (value === undefined) {
      const path = pathSource(prefix);
      const parent = pathSource(prefix.slice(0, -1));
      let why = `${parent} ${describeHolding(previous)}`;
      // steps.<id>.output of a step that did not succeed: say why it has none.
      if (prefix.length === 3 && prefix[0] === "steps" && prefix[2] === "output") {
        const record = previous as {
          status?: string;
          reason?: string;
          error?: { message?: string };
        };
        if (record.status === "skipped") why = `step "${prefix[1]}" was skipped: ${record.reason}`;
        if (record.status === "failed") {
          why = `step "${prefix[1]}" failed: ${record.error?.message ?? "no message"}`;
        }
      }
      return { path: pathSource(names), text: `${path} is missing (${why})` };
    }
    previous = value;
  }
  return undefined;
}

/**
 * The first plain scope path of `source` that reads nothing, if any. Paths the expression
 * tests with `$exists` (or `??`) are left out: there, absence is expected.
 */
export async function findMissingPath(
  source: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
  options: { operandsOnly?: boolean } = {},
): Promise<MissingPath | undefined> {
  const parsed = parseExpression(source);
  if (!parsed.ok) return undefined;
  const { paths, guarded } = candidates(parsed.ast, options.operandsOnly ?? false);
  for (const names of paths) {
    if (guarded.has(names.join("."))) continue;
    const missing = await firstMissing(names, scope, env);
    if (missing) return missing;
  }
  return undefined;
}

/** For conditions: the first compared value (an operand of =, <, in, …) that is missing. */
export function findMissingOperand(
  source: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
): Promise<MissingPath | undefined> {
  return findMissingPath(source, scope, env, { operandsOnly: true });
}
