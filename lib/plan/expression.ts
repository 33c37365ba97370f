// The one expression language of plans (JSONata): parsing with positions, the references an
// expression makes, and bounded, deterministic evaluation against a run's memoized data.
import jsonata from "jsonata";
import { dateHelpers } from "./date-helpers";

/** Top-level names an expression can read. */
export const SCOPE_ROOTS = [
  "trigger",
  "steps",
  "item",
  "index",
  "user",
  "now",
  "secrets",
  "waits",
  "error",
] as const;
export type ScopeRoot = (typeof SCOPE_ROOTS)[number];

/** Functions rejected at validation: they would make a replayed run take another branch. */
export const FORBIDDEN_FUNCTIONS: Record<string, string> = {
  random:
    "$random() is not allowed: a run must take the same branch every time it is replayed; derive variety from the data instead",
  eval: "$eval() is not allowed: it would run text from step outputs as an expression",
};

/** Guards on a single evaluation; JSONata can loop forever or recurse without end. */
export const EVALUATION_LIMITS = { timeoutMs: 1000, stackDepth: 500, maxSequence: 100_000 };

/** JSONata's AST node; its typings omit "path" nodes, which the parser does produce. */
export type ExpressionAst = Omit<jsonata.ExprNode, "type"> & { type: string } & Record<
    string,
    unknown
  >;

export type ParseResult =
  | { ok: true; ast: ExpressionAst }
  | { ok: false; message: string; position: number };

interface JsonataLikeError {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
}

function asJsonataError(error: unknown): JsonataLikeError {
  return typeof error === "object" && error !== null ? (error as JsonataLikeError) : {};
}

const compiled = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(source, {
      timeout: EVALUATION_LIMITS.timeoutMs,
      stack: EVALUATION_LIMITS.stackDepth,
      sequence: EVALUATION_LIMITS.maxSequence,
    });
    // A small cache: plans repeat the same few expressions across the interpreter's passes.
    if (compiled.size > 2000) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

/** Parses an expression; on failure, a message and the 1-based character position. */
export function parseExpression(source: string): ParseResult {
  if (source.trim() === "") return { ok: false, message: "the expression is empty", position: 1 };
  try {
    return { ok: true, ast: compile(source).ast() as ExpressionAst };
  } catch (error) {
    const e = asJsonataError(error);
    const position = typeof e.position === "number" && e.position > 0 ? e.position : 1;
    return { ok: false, message: e.message ?? String(error), position };
  }
}

/** One read of a scope root: `steps.fetch.output` → { root: "steps", name: "fetch", field: "output" }. */
export interface ExpressionReference {
  root: ScopeRoot;
  name?: string;
  field?: string;
}

export interface ExpressionUsage {
  references: ExpressionReference[];
  /** Names of functions called, without "$". */
  functions: string[];
  /**
   * Paths read relative to an item (inside a filter) that start like a scope root the item
   * is unlikely to have (`steps.x` in `list[id = steps.x.output]`), as written: a likely slip
   * for `$$.steps.x`.
   */
  itemPathsLikeRoots: string[];
}

function isNode(value: unknown): value is ExpressionAst {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

function nameOf(node: unknown): string | undefined {
  if (isNode(node) && node.type === "name" && typeof node.value === "string") return node.value;
  return undefined;
}

/** Roots an item is unlikely to have as fields, so a relative path starting so is a slip. */
const ROOT_LIKE_IN_ITEMS = new Set(["steps", "secrets", "waits", "item"]);

/**
 * What an expression reads and calls. A path reads the scope when it starts at the root:
 * at the top of the expression, or after `$$` anywhere. Inside a filter (`list[...]`) and in
 * the later steps of a path, names are fields of the current item (GitHub's `user.login`),
 * not scope roots.
 */
export function expressionUsage(ast: ExpressionAst): ExpressionUsage {
  const references: ExpressionReference[] = [];
  const functions = new Set<string>();
  const itemPathsLikeRoots: string[] = [];
  const visit = (node: unknown, relative: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, relative);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === "path" && Array.isArray(node.steps)) {
      const steps = node.steps as unknown[];
      const first = steps[0];
      // `$$.steps.x` reads the root anywhere; `$.steps.x` only where `$` is the root.
      const fromRoot = isNode(first) && first.type === "variable" && first.value === "$";
      const fromContext = isNode(first) && first.type === "variable" && first.value === "";
      const offset = fromRoot || fromContext ? 1 : 0;
      const root = nameOf(steps[offset]);
      if (root && (SCOPE_ROOTS as readonly string[]).includes(root)) {
        if (fromRoot || !relative) {
          references.push({
            root: root as ScopeRoot,
            name: nameOf(steps[offset + 1]),
            field: nameOf(steps[offset + 2]),
          });
        } else if (ROOT_LIKE_IN_ITEMS.has(root)) {
          itemPathsLikeRoots.push(
            steps
              .slice(offset)
              .map(nameOf)
              .filter((name) => name !== undefined)
              .join("."),
          );
        }
      }
      steps.forEach((step, i) => {
        if (!isNode(step)) return;
        for (const [key, child] of Object.entries(step)) {
          if (key === "type" || key === "value" || key === "position") continue;
          // A later step, and every filter, is evaluated against the values before it.
          visit(child, relative || i > 0 || isRelativeKey(key));
        }
      });
      visitRest(node, relative, ["steps"]);
      return;
    }
    if (node.type === "function" || node.type === "partial") {
      const procedure = node.procedure;
      if (
        isNode(procedure) &&
        procedure.type === "variable" &&
        typeof procedure.value === "string"
      ) {
        functions.add(procedure.value);
      }
    }
    visitRest(node, relative, []);
  };
  const visitRest = (node: ExpressionAst, relative: boolean, skip: string[]): void => {
    for (const [key, child] of Object.entries(node)) {
      if (key === "type" || key === "value" || key === "position" || skip.includes(key)) continue;
      visit(child, relative || isRelativeKey(key));
    }
  };
  visit(ast, false);
  return { references, functions: [...functions], itemPathsLikeRoots };
}

/** Parts of a node evaluated per item of the value they follow: filters, sort terms, groups. */
function isRelativeKey(key: string): boolean {
  return key === "stages" || key === "predicate" || key === "group" || key === "terms";
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = "ExpressionError";
  }
}

export interface EvaluationEnv {
  /** The run's logical time as an ISO instant; `$now()` and `$millis()` return it. */
  now: string;
  /** IANA zone the date helpers use. */
  timeZone: string;
}

const fromMillis = jsonata("$fromMillis($ms, $picture, $tz)");

function bindings(env: EvaluationEnv): Record<string, unknown> {
  const nowMs = Date.parse(env.now);
  if (Number.isNaN(nowMs))
    throw new Error(`"now" must be an ISO instant, got ${JSON.stringify(env.now)}`);
  return {
    ...dateHelpers({ nowMs, timeZone: env.timeZone }),
    // Replace JSONata's wall-clock functions with the logical time so replays agree.
    now: (picture?: string, tz?: string) =>
      picture === undefined && tz === undefined
        ? new Date(nowMs).toISOString()
        : fromMillis.evaluate({}, { ms: nowMs, picture, tz }),
    millis: () => nowMs,
    random: () => {
      throw new Error(FORBIDDEN_FUNCTIONS.random);
    },
    eval: () => {
      throw new Error(FORBIDDEN_FUNCTIONS.eval);
    },
  };
}

/** Deepest value an expression may give (step outputs come from outside: an API's JSON). */
export const MAX_VALUE_DEPTH = 256;

export class ValueTooDeepError extends Error {
  constructor() {
    super(
      `the value nests deeper than ${MAX_VALUE_DEPTH} levels; pick the part you need (e.g. steps.x.output.body.items)`,
    );
    this.name = "ValueTooDeepError";
  }
}

/**
 * JSONata results can be its internal "sequence" arrays or carry functions; callers get
 * plain JSON (functions become undefined, sequences plain arrays). A value nested deeper than
 * MAX_VALUE_DEPTH is refused with a clear error rather than a stack overflow.
 */
export function toPlainJson(value: unknown, depth = 0): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === "function") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "object" && depth >= MAX_VALUE_DEPTH) throw new ValueTooDeepError();
  if (Array.isArray(value)) {
    return value.map((item) => toPlainJson(item, depth + 1)).filter((item) => item !== undefined);
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const plain = toPlainJson(child, depth + 1);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return value;
}

/** Evaluates one expression against a scope; throws ExpressionError with a readable message. */
export async function evaluateExpression(
  source: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
): Promise<unknown> {
  const parsed = parseExpression(source);
  if (!parsed.ok) {
    throw new ExpressionError(
      `syntax error at character ${parsed.position}: ${parsed.message}`,
      source,
    );
  }
  try {
    const result = await compile(source).evaluate(scope, bindings(env));
    return toPlainJson(result);
  } catch (error) {
    const e = asJsonataError(error);
    const message = e.message ?? String(error);
    throw new ExpressionError(message, source);
  }
}

/** JSONata's truthiness ($boolean), so `if` reads the way JSONata users expect. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.some((item) => isTruthy(item));
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}

/**
 * A condition checked outside a run (an event trigger's `if`, a wait's `match`): true when
 * it holds; an expression that fails to evaluate counts as false rather than an error.
 */
export async function conditionHolds(
  source: string,
  scope: Record<string, unknown>,
  env: EvaluationEnv,
): Promise<boolean> {
  return evaluateExpression(source, scope, env).then(isTruthy, () => false);
}
