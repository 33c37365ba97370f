// Conditions, loops and bindings in words, rendered from the expression tree: "only if at
// least one incident of Fetch open incidents has severity "sev-1"", "for each meeting of
// Today's calendar (at most 20)". Only shapes it understands are put in words (comparisons,
// $count, $exists, $contains, and/or/not, in, filters by a field, plain paths); anything else
// falls back to the step's title with the raw expression beside it (`exact: false`).
import { type ExpressionAst, parseExpression } from "./expression";
import { allSteps, type Plan, type PlanStep } from "./schema";
import { scanTemplate, walkStrings, wholeBinding } from "./template";

export interface Explained {
  /** A phrase starting in lower case: "only if …", "for each …", "the title of …". */
  text: string;
  /** The expression as written. */
  source: string;
  /** False when the shape is not understood and `text` is only the step's own wording. */
  exact: boolean;
}

export interface InputExplained extends Explained {
  /** Where in the input, like "text" or "headers.Authorization". */
  path: string;
}

export interface StepExplanation {
  if?: Explained;
  /** For an `else` step: "only if the condition of Check size is false". */
  else?: Explained;
  forEach?: Explained;
  /** Every input string holding a `{{ }}` binding, in words. */
  inputs: InputExplained[];
}

export interface ExplainContext {
  /** How a step is named in a sentence: its title in quotes, else its id in quotes. */
  nameOf(stepId: string): string;
  /** The owning step's own name, for the fallback sentence. */
  owner?: string;
  /** What one item of the owning step's loop is called ("incident"), for `item` paths. */
  itemNoun?: string;
}

/** Words for every step of a plan that has a condition, loop or bindings, by step id. */
export function explainPlan(plan: Plan): Record<string, StepExplanation> {
  const steps = allSteps(plan);
  const titles = new Map(steps.map((step) => [step.id, step.title?.trim() || undefined]));
  // Titles are often sentences ("Ask me before a call is booked"): quotes keep them apart.
  const nameOf = (id: string) => `“${titles.get(id) ?? id}”`;
  const out: Record<string, StepExplanation> = {};
  for (const step of steps) {
    if (out[step.id]) continue;
    out[step.id] = explainStep(step, { nameOf, owner: nameOf(step.id) }, steps);
  }
  return out;
}

/** One step's condition, loop and bindings in words. */
export function explainStep(
  step: PlanStep,
  context: ExplainContext,
  steps: readonly PlanStep[] = [],
): StepExplanation {
  const explanation: StepExplanation = { inputs: [] };
  if (step.if !== undefined) explanation.if = explainCondition(step.if, context);
  if (step.else !== undefined) {
    const target = steps.find((other) => other.id === step.else);
    const name = context.nameOf(step.else);
    const negated = target?.if !== undefined ? negatedCondition(target.if, context) : undefined;
    explanation.else = {
      text: negated
        ? `instead of ${name}, only if ${negated}`
        : `instead of ${name}, only if its condition is false`,
      source: target?.if ?? "",
      exact: negated !== undefined,
    };
  }
  let itemNoun: string | undefined;
  if (step.forEach !== undefined) {
    const loop = explainForEach(step.forEach, step.maxItems, context);
    explanation.forEach = loop.explained;
    itemNoun = loop.itemNoun;
  }
  const inputContext = { ...context, itemNoun: itemNoun ?? context.itemNoun };
  for (const { value, path } of walkStrings(step.input ?? {})) {
    if (!value.includes("{{")) continue;
    const explained = explainTemplate(value, inputContext);
    if (explained) explanation.inputs.push({ ...explained, path: pathText(path) });
  }
  return explanation;
}

/** "only if …" for a step's `if`. */
export function explainCondition(source: string, context: ExplainContext): Explained {
  const ast = parse(source);
  const words = ast ? new Renderer(context).condition(ast) : undefined;
  if (words) return { text: `only if ${words}`, source, exact: true };
  return {
    text: context.owner
      ? `only if the condition written for ${context.owner} holds`
      : "only if its condition holds",
    source,
    exact: false,
  };
}

/** The negation of a condition in words ("the status of Check is not 200"), when plain. */
export function negatedCondition(source: string, context: ExplainContext): string | undefined {
  const ast = parse(source);
  return ast ? new Renderer(context).negation(ast) : undefined;
}

/** "for each incident from Fetch open incidents (at most 20)". */
export function explainForEach(
  source: string,
  maxItems: number | undefined,
  context: ExplainContext,
): { explained: Explained; itemNoun?: string } {
  const limit = maxItems !== undefined ? ` (at most ${maxItems})` : "";
  const ast = parse(source);
  const collection = ast ? new Renderer(context).collection(ast) : undefined;
  if (collection) {
    const clause = collection.predicate ? ` that ${collection.predicate(false)}` : "";
    return {
      explained: {
        text: `for each ${collection.singular} ${collection.of}${clause}${limit}`,
        source,
        exact: true,
      },
      itemNoun: collection.singular,
    };
  }
  return {
    explained: { text: `for each item of its list${limit}`, source, exact: false },
  };
}

/** A value expression in words ("the title of Summarize"), or a fallback with the source. */
export function explainValue(source: string, context: ExplainContext): Explained {
  const ast = parse(source);
  const words = ast ? new Renderer(context).value(ast) : undefined;
  return words
    ? { text: words, source, exact: true }
    : { text: `the value of ${source.trim()}`, source, exact: false };
}

/** An input string with bindings: a whole binding as its value, an interpolation with [value]s. */
function explainTemplate(text: string, context: ExplainContext): Explained | undefined {
  const whole = wholeBinding(text);
  if (whole !== undefined) return explainValue(whole, context);
  let segments: ReturnType<typeof scanTemplate>;
  try {
    segments = scanTemplate(text);
  } catch {
    return undefined;
  }
  let exact = true;
  const words = segments
    .map((segment) => {
      if (segment.kind === "text") return segment.value;
      const value = explainValue(segment.source, context);
      if (!value.exact) {
        exact = false;
        return `{{ ${segment.source.trim()} }}`;
      }
      return `[${value.text}]`;
    })
    .join("");
  return { text: words, source: text, exact };
}

function parse(source: string): ExpressionAst | undefined {
  const parsed = parseExpression(source);
  return parsed.ok ? parsed.ast : undefined;
}

function pathText(path: (string | number)[]): string {
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
    )
    .join("");
}

// ---------------------------------------------------------------------------------------------
// Words

/** "severity" → "severity", "createdAt" → "created at", "due_date" → "due date". */
export function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** A best-effort English singular of a (humanized) plural noun, or undefined if it is not one. */
export function singular(noun: string): string | undefined {
  const words = noun.split(" ");
  const last = words[words.length - 1];
  let one: string | undefined;
  if (/[^aeiou]ies$/.test(last)) one = `${last.slice(0, -3)}y`;
  else if (/(ss|x|ch|sh)es$/.test(last)) one = last.slice(0, -2);
  else if (/[^s]s$/.test(last) && !/(us|is|news|status)$/.test(last)) one = last.slice(0, -1);
  if (!one) return undefined;
  return [...words.slice(0, -1), one].join(" ");
}

/** Field names that hold a list or envelope but say nothing about what the items are. */
const GENERIC = new Set([
  "output",
  "body",
  "data",
  "items",
  "results",
  "result",
  "list",
  "values",
  "records",
  "entries",
  "rows",
  "value",
  "response",
  "json",
]);

const BOOLEANISH =
  /^(is|has|can|should|was|were|did)[A-Z_ ]|(ed|able)$|^(ok|done|active|enabled|valid|open|online|up|down|timedOut|found|early)$/;

function literal(node: ExpressionAst): string | undefined {
  if (node.type === "string") return JSON.stringify(node.value);
  if (node.type === "number") return String(node.value);
  if (node.type === "unary" && node.value === "[" && Array.isArray(node.expressions)) {
    if (node.expressions.length === 0) return "an empty list";
  }
  if (node.type === "value") {
    if (node.value === true) return "true";
    if (node.value === false) return "false";
    if (node.value === null) return "nothing";
  }
  return undefined;
}

const COMPARISON = new Set(["=", "!=", "<", "<=", ">", ">="]);

const IS: Record<string, string> = {
  "=": "is",
  "!=": "is not",
  ">": "is greater than",
  ">=": "is at least",
  "<": "is less than",
  "<=": "is at most",
};

const NEGATE: Record<string, string> = {
  "=": "!=",
  "!=": "=",
  ">": "<=",
  ">=": "<",
  "<": ">=",
  "<=": ">",
};

const MIRROR: Record<string, string> = {
  "=": "=",
  "!=": "!=",
  ">": "<",
  ">=": "<=",
  "<": ">",
  "<=": ">=",
};

/** Yes/no outputs of the catalog's actions, as what the step did: [yes, no]. */
const STEP_SAYS: Record<string, [string, string]> = {
  approved: ["says approved", "does not say approved"],
  timedOut: ["timed out", "did not time out"],
  early: ["ended early", "did not end early"],
  found: ["found a value", "found no value"],
  isError: ["reports an error", "reports no error"],
};

/**
 * A unit at the end of a field name ("latencyMs", "durationSeconds", "cpuPercent"): the
 * field without it, and how a number of it reads ("500 ms"). A field that is only the unit
 * ("minutes") keeps its name.
 */
const UNITS: [RegExp, (n: string) => string][] = [
  [/ ?(ms|millis|milliseconds)$/, (n) => `${n} ms`],
  [/ ?(secs|seconds)$/, (n) => `${n} ${n === "1" ? "second" : "seconds"}`],
  [/ ?(mins|minutes)$/, (n) => `${n} ${n === "1" ? "minute" : "minutes"}`],
  [/ ?(hours|hrs)$/, (n) => `${n} ${n === "1" ? "hour" : "hours"}`],
  [/ ?days$/, (n) => `${n} ${n === "1" ? "day" : "days"}`],
  [/ ?bytes$/, (n) => `${n} ${n === "1" ? "byte" : "bytes"}`],
  [/ ?(percent|pct)$/, (n) => `${n}%`],
];

/** Fields that are nothing but a unit: a count of it ("minutes", "days"). */
const UNIT_WORDS = new Set(["ms", "seconds", "secs", "minutes", "mins", "hours", "days", "bytes"]);

function unitOf(field: string): { field: string; amount: (n: string) => string } | undefined {
  for (const [pattern, amount] of UNITS) {
    const match = pattern.exec(field);
    // The unit is a word of its own ("latency ms", "minutes"), never the end of one ("items").
    if (!match || (match.index > 0 && !match[0].startsWith(" "))) continue;
    const rest = field.slice(0, match.index).trim();
    // A percentage keeps its name: "cpu percent" is what is measured.
    if (match[1] === "percent" || match[1] === "pct") return { field, amount };
    return { field: rest || field, amount };
  }
  return undefined;
}

const STEP_STATUS: Record<string, [string, string]> = {
  succeeded: ["succeeded", "did not succeed"],
  failed: ["failed", "did not fail"],
  skipped: ["was skipped", "was not skipped"],
};

/** Words that start a title naming a thing ("Today's calendar"), not an action ("Fetch …"). */
const NOUN_START = /^(the|my|your|our|this|these|all|open|new|latest|recent|\S+'s)$/i;

/**
 * How an item or field relates to a step by its title: a thing is "in" (or "of") it ("each
 * meeting in “Today's calendar”"), what an action returned comes "from" it ("each incident
 * from “Fetch open incidents”").
 */
function relation(name: string, kind: "item" | "field"): string {
  const first = (name.replace(/^[“"]/, "").split(/\s+/)[0] ?? "").replace(/[’]/g, "'");
  // Imperatives do not end in a plural s ("Fetch", "Look up"); "Meetings with …" names a thing.
  const thing = NOUN_START.test(first) || (first.length > 3 && singular(first.toLowerCase()));
  if (thing) return kind === "item" ? "in" : "of";
  return "from";
}

function list(items: string[], conjunction: "or" | "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

function countWord(n: number): string {
  return n === 1 ? "one" : String(n);
}

interface Collection {
  singular: string;
  plural: string;
  /** "from Fetch open incidents", "in the tickets from Fetch". */
  of: string;
  /** The whole collection as a noun phrase: "the incidents from Fetch open incidents". */
  phrase: string;
  /** The filter of the last path step as a verb phrase about one (or several) items. */
  predicate?: (plural: boolean) => string;
}

type Node = ExpressionAst;

function isNode(value: unknown): value is Node {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

function functionName(node: Node): string | undefined {
  if (node.type !== "function") return undefined;
  const procedure = node.procedure as unknown;
  if (!isNode(procedure)) return undefined;
  if (procedure.type === "variable" && typeof procedure.value === "string") return procedure.value;
  return undefined;
}

/** The expression inside parentheses. */
function unwrap(node: Node): Node {
  if (node.type === "block" && Array.isArray(node.expressions) && node.expressions.length === 1) {
    return unwrap(node.expressions[0] as Node);
  }
  return node;
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function args(node: Node): Node[] {
  return Array.isArray(node.arguments) ? (node.arguments as Node[]) : [];
}

interface PathStep {
  name: string;
  filters: Node[];
}

/** A path's steps as plain names with their filters, or undefined for any other shape. */
function plainSteps(node: Node): { root: boolean; steps: PathStep[] } | undefined {
  if (node.type === "name" && typeof node.value === "string") {
    return { root: false, steps: [{ name: node.value, filters: stageFilters(node) ?? [] }] };
  }
  if (node.type !== "path" || !Array.isArray(node.steps)) return undefined;
  const raw = node.steps as Node[];
  let root = false;
  let start = 0;
  if (raw[0]?.type === "variable" && raw[0].value === "$") {
    root = true;
    start = 1;
  }
  const steps: PathStep[] = [];
  for (const step of raw.slice(start)) {
    if (step.type !== "name" || typeof step.value !== "string") return undefined;
    if (step.group || step.focus || step.index || step.tuple) return undefined;
    const filters = stageFilters(step);
    if (!filters) return undefined;
    steps.push({ name: step.value, filters });
  }
  return steps.length > 0 ? { root, steps } : undefined;
}

function stageFilters(step: Node): Node[] | undefined {
  const stages = Array.isArray(step.stages) ? (step.stages as Node[]) : [];
  const predicate = Array.isArray(step.predicate) ? (step.predicate as Node[]) : [];
  const all = [...stages, ...predicate];
  if (all.some((stage) => stage.type !== "filter" || !isNode(stage.expr))) return undefined;
  return all.map((stage) => stage.expr as Node);
}

class Renderer {
  constructor(private readonly context: ExplainContext) {}

  // -- conditions -------------------------------------------------------------------------

  condition(node: Node): string | undefined {
    if (node.type === "binary" && (node.value === "and" || node.value === "or")) {
      const lhs = this.condition(node.lhs as Node);
      const rhs = this.condition(node.rhs as Node);
      if (!lhs || !rhs) return undefined;
      const wrap = (child: Node, text: string) => {
        const inner = unwrap(child);
        return node.value === "and" && inner.type === "binary" && inner.value === "or"
          ? `either ${text}`
          : text;
      };
      const left = wrap(node.lhs as Node, lhs);
      const right = wrap(node.rhs as Node, rhs);
      return node.value === "and"
        ? `${left}${left.startsWith("either ") ? "," : ""} and ${right}`
        : `${left} or ${right}`;
    }
    if (node.type === "binary" && COMPARISON.has(String(node.value))) {
      return this.comparison(node.lhs as Node, String(node.value), node.rhs as Node);
    }
    if (node.type === "binary" && node.value === "in") {
      return this.membership(node.lhs as Node, node.rhs as Node, false);
    }
    if (node.type === "block" && Array.isArray(node.expressions) && node.expressions.length === 1) {
      return this.condition(node.expressions[0] as Node);
    }
    if (node.type === "value" && typeof node.value === "boolean") {
      return node.value ? "always" : "never";
    }
    const fn = functionName(node);
    if (fn) return this.conditionCall(fn, args(node));
    if (node.type === "path" || node.type === "name") return this.truthyPath(node);
    return undefined;
  }

  /** The opposite of a condition, when it can be said plainly. */
  negation(node: Node): string | undefined {
    if (node.type === "binary" && COMPARISON.has(String(node.value))) {
      return this.comparison(node.lhs as Node, NEGATE[String(node.value)], node.rhs as Node);
    }
    if (node.type === "binary" && node.value === "in") {
      return this.membership(node.lhs as Node, node.rhs as Node, true);
    }
    if (node.type === "block" && Array.isArray(node.expressions) && node.expressions.length === 1) {
      return this.negation(node.expressions[0] as Node);
    }
    const fn = functionName(node);
    if (fn === "not" && args(node).length === 1) return this.condition(args(node)[0]);
    if (fn === "exists" && args(node).length === 1) {
      const subject = this.value(args(node)[0]);
      return subject ? `${subject} is missing` : undefined;
    }
    if (fn === "count" && args(node).length === 1) return this.count(args(node)[0], "=", 0);
    if (fn === "boolean" && args(node).length === 1) return this.negation(args(node)[0]);
    if (node.type === "path" || node.type === "name") {
      const collection = this.filtered(node);
      if (collection) return this.countSentence(collection, "=", 0);
      const says = this.stepSays(node);
      if (says) return says.no;
      const list = this.namedList(node);
      if (list) return this.countSentence(list, "=", 0);
      const subject = this.value(node);
      if (!subject) return undefined;
      return this.looksBoolean(node) ? `${subject} is false` : `${subject} is empty`;
    }
    return undefined;
  }

  private conditionCall(fn: string, params: Node[]): string | undefined {
    if (fn === "not" && params.length === 1) return this.negation(params[0]);
    if (fn === "exists" && params.length === 1) {
      const subject = this.value(params[0]);
      return subject ? `${subject} is present` : undefined;
    }
    if (fn === "count" && params.length === 1) return this.count(params[0], ">", 0);
    if (fn === "boolean" && params.length === 1) return this.condition(params[0]);
    if (fn === "contains" && params.length === 2) {
      const subject = this.value(params[0]);
      const part = this.value(params[1]);
      return subject && part ? `${subject} contains ${part}` : undefined;
    }
    return undefined;
  }

  private comparison(lhs: Node, op: string, rhs: Node): string | undefined {
    // Constants read better on the right: `0 < $count(x)` is `$count(x) > 0`.
    if (literal(lhs) !== undefined && literal(rhs) === undefined) {
      return this.comparison(rhs, MIRROR[op], lhs);
    }
    if (functionName(lhs) === "count" && args(lhs).length === 1 && rhs.type === "number") {
      return this.count(args(lhs)[0], op, Number(rhs.value));
    }
    const status = this.stepStatus(lhs);
    if (status && rhs.type === "string" && (op === "=" || op === "!=")) {
      const words = STEP_STATUS[String(rhs.value)];
      if (words) return `${this.context.nameOf(status)} ${op === "=" ? words[0] : words[1]}`;
    }
    const says = this.saysCompared(lhs, op, rhs);
    if (says) return says;
    const left = this.value(lhs);
    const right = this.value(rhs);
    if (!left || !right) return undefined;
    if (rhs.type === "number") {
      const measured = this.measured(lhs, left, String(rhs.value));
      if (measured) return `${measured.subject} ${IS[op]} ${measured.amount}`;
    }
    return `${left} ${IS[op]} ${right}`;
  }

  /**
   * A number field compared with a number, as people say it: with its unit ("the latency from
   * “Check” is greater than 500 ms"), or counted when its name is a plural ("the number of
   * employees from “Look up” is at most 50").
   */
  private measured(
    node: Node,
    subject: string,
    n: string,
  ): { subject: string; amount: string } | undefined {
    const plain = plainSteps(node);
    const last = plain?.steps[plain.steps.length - 1]?.name;
    if (!last) return undefined;
    const field = humanize(last);
    const unit = unitOf(field);
    if (unit) {
      return {
        subject: unit.field === field ? subject : subject.replace(field, unit.field),
        amount: unit.amount(n),
      };
    }
    if (singular(field) && !GENERIC.has(last.toLowerCase()) && subject.startsWith("the ")) {
      return { subject: `the number of ${subject.slice(4)}`, amount: n };
    }
    return undefined;
  }

  private membership(lhs: Node, rhs: Node, negated: boolean): string | undefined {
    const left = this.value(lhs);
    if (!left) return undefined;
    const options = this.options(rhs);
    if (options) {
      if (options.length === 1) return `${left} ${negated ? "is not" : "is"} ${options[0]}`;
      return negated
        ? `${left} is neither ${options.slice(0, -1).join(", ")} nor ${options[options.length - 1]}`
        : `${left} is ${list(options, "or")}`;
    }
    const right = this.value(rhs);
    return right ? `${left} is ${negated ? "not " : ""}one of ${right}` : undefined;
  }

  private options(node: Node): string[] | undefined {
    if (node.type !== "unary" || node.value !== "[" || !Array.isArray(node.expressions)) {
      return undefined;
    }
    const items = (node.expressions as Node[]).map(literal);
    return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
  }

  private stepStatus(node: Node): string | undefined {
    const names = plainSteps(node)?.steps;
    if (names?.length !== 3 || names.some((step) => step.filters.length > 0)) {
      return undefined;
    }
    return names[0].name === "steps" && names[2].name === "status" ? names[1].name : undefined;
  }

  private truthyPath(node: Node): string | undefined {
    const collection = this.filtered(node);
    if (collection) return this.countSentence(collection, ">", 0);
    const says = this.stepSays(node);
    if (says) return says.yes;
    const list = this.namedList(node);
    if (list) return this.countSentence(list, ">", 0);
    const subject = this.value(node);
    if (!subject) return undefined;
    return this.looksBoolean(node) ? `${subject} is true` : `${subject} is not empty`;
  }

  /**
   * `steps.ask.output.approved`: a yes/no field of a step's result, as what the step did or
   * says: "“Ask” says approved", "“Wait” timed out", "“Check” says it is open" (and the
   * opposite).
   */
  private stepSays(node: Node): { yes: string; no: string } | undefined {
    const names = plainSteps(node)?.steps;
    if (!names || names.some((step) => step.filters.length > 0)) return undefined;
    const [root, id, record, ...fields] = names.map((step) => step.name);
    // An HTTP response's body is the step's result, as in path().
    const [field, ...rest] = fields[0] === "body" ? fields.slice(1) : fields;
    if (root !== "steps" || record !== "output" || !field || rest.length > 0) return undefined;
    if (!BOOLEANISH.test(field)) return undefined;
    const step = this.context.nameOf(id);
    const known = STEP_SAYS[field];
    if (known) return { yes: `${step} ${known[0]}`, no: `${step} ${known[1]}` };
    const words = humanize(field);
    const verb = /^(is|has|can) (.+)$/.exec(words);
    if (verb) {
      const [, head, tail] = verb;
      const not =
        head === "is" ? `is not ${tail}` : head === "has" ? `has no ${tail}` : `cannot ${tail}`;
      return { yes: `${step} says it ${words}`, no: `${step} says it ${not}` };
    }
    return { yes: `${step} says ${words}`, no: `${step} does not say ${words}` };
  }

  /** A comparison of a yes/no field of a step with true or false, as stepSays words. */
  private saysCompared(lhs: Node, op: string, rhs: Node): string | undefined {
    if ((op !== "=" && op !== "!=") || rhs.type !== "value" || typeof rhs.value !== "boolean") {
      return undefined;
    }
    const says = this.stepSays(lhs);
    if (!says) return undefined;
    return (op === "=") === rhs.value ? says.yes : says.no;
  }

  /** A path to a list whose field names its items ("incidents"): truthy when it has one. */
  private namedList(node: Node): Collection | undefined {
    const plain = plainSteps(node);
    const last = plain?.steps[plain.steps.length - 1]?.name;
    if (!last || GENERIC.has(last.toLowerCase()) || !singular(humanize(last))) return undefined;
    if (unitOf(humanize(last))) return undefined;
    const collection = this.collection(node);
    return collection && collection.singular !== "item" ? collection : undefined;
  }

  private looksBoolean(node: Node): boolean {
    const plain = plainSteps(node);
    const last = plain?.steps[plain.steps.length - 1]?.name;
    return last !== undefined && BOOLEANISH.test(last);
  }

  private count(of: Node, op: string, n: number): string | undefined {
    const collection = this.collection(of);
    return collection ? this.countSentence(collection, op, n) : undefined;
  }

  /** A path whose last step is filtered, as a collection; undefined for unfiltered paths. */
  private filtered(node: Node): Collection | undefined {
    const plain = plainSteps(node);
    if (!plain || plain.steps[plain.steps.length - 1].filters.length === 0) return undefined;
    return this.collection(node);
  }

  private countSentence(c: Collection, op: string, n: number): string {
    // Normalise to "at least one" / "no" where the number says so.
    if ((op === ">" && n === 0) || (op === ">=" && n === 1) || (op === "!=" && n === 0)) {
      return c.predicate
        ? `at least one ${c.singular} ${c.of} ${c.predicate(false)}`
        : `there is at least one ${c.singular} ${c.of}`;
    }
    if ((op === "=" && n === 0) || (op === "<" && n === 1) || (op === "<=" && n === 0)) {
      return c.predicate
        ? `no ${c.singular} ${c.of} ${c.predicate(false)}`
        : `there is no ${c.singular} ${c.of}`;
    }
    const amount: Record<string, string> = {
      ">": "more than",
      ">=": "at least",
      "<": "fewer than",
      "<=": "at most",
      "=": "exactly",
    };
    const noun = n === 1 ? c.singular : c.plural;
    if (op === "!=") {
      const that = c.predicate ? ` that ${c.predicate(true)}` : "";
      return `the number of ${c.plural} ${c.of}${that} is not ${n}`;
    }
    return c.predicate
      ? `${amount[op]} ${countWord(n)} ${noun} ${c.of} ${c.predicate(n !== 1)}`
      : `there ${n === 1 ? "is" : "are"} ${amount[op]} ${countWord(n)} ${noun} ${c.of}`;
  }

  /** A list-valued path (optionally filtered on its last step) as a collection of items. */
  collection(node: Node): Collection | undefined {
    const plain = plainSteps(node);
    if (!plain) return undefined;
    const steps = plain.steps;
    const last = steps[steps.length - 1];
    if (steps.slice(0, -1).some((step) => step.filters.length > 0)) return undefined;
    if (last.filters.length > 1) return undefined;
    const unfiltered: Node = {
      type: "path",
      steps: [
        ...(plain.root ? [{ type: "variable", value: "$" }] : []),
        ...steps.map((step) => ({ type: "name", value: step.name })),
      ],
    } as Node;
    const whole = this.value(unfiltered);
    if (!whole) return undefined;
    let predicate: Collection["predicate"];
    if (last.filters.length === 1) {
      const filter = last.filters[0];
      const test = (plural: boolean) => this.predicate(filter, plural);
      if (test(false) === undefined) return undefined;
      predicate = (plural) => test(plural) as string;
    }
    const field = humanize(last.name);
    const one = singular(field);
    if (one && !GENERIC.has(last.name.toLowerCase()) && steps.length > 1) {
      const owner = this.value({
        type: "path",
        steps: (unfiltered.steps as Node[]).slice(0, -1),
      } as Node);
      if (owner) {
        const step = owner.replace(/^the output of /, "");
        const of = this.ownerIsStep(steps.slice(0, -1))
          ? `${relation(step, "item")} ${step}`
          : `in ${owner}`;
        return { singular: one, plural: field, of, phrase: whole, predicate };
      }
    }
    const step = whole.replace(/^the output of /, "");
    const of = this.ownerIsStep(steps) ? `${relation(step, "item")} ${step}` : `in ${whole}`;
    return { singular: "item", plural: "items", of, phrase: whole, predicate };
  }

  /** True when a path is exactly `steps.<id>.output` (or its HTTP `body`). */
  private ownerIsStep(steps: PathStep[]): boolean {
    return (
      (steps.length === 3 || (steps.length === 4 && steps[3].name === "body")) &&
      steps[0].name === "steps" &&
      steps[2].name === "output"
    );
  }

  /** A filter about one item as a verb phrase: "has severity "sev-1"". */
  private predicate(node: Node, plural: boolean): string | undefined {
    const has = plural ? "have" : "has";
    const is = plural ? "are" : "is";
    if (node.type === "binary" && (node.value === "and" || node.value === "or")) {
      const lhs = this.predicate(node.lhs as Node, plural);
      const rhs = this.predicate(node.rhs as Node, plural);
      return lhs && rhs ? `${lhs} ${node.value} ${rhs}` : undefined;
    }
    if (node.type === "block" && Array.isArray(node.expressions) && node.expressions.length === 1) {
      return this.predicate(node.expressions[0] as Node, plural);
    }
    if (node.type === "binary" && (COMPARISON.has(String(node.value)) || node.value === "in")) {
      let lhs = node.lhs as Node;
      let rhs = node.rhs as Node;
      let op = String(node.value);
      if (op !== "in" && this.field(lhs) === undefined && this.field(rhs) !== undefined) {
        [lhs, rhs] = [rhs, lhs];
        op = MIRROR[op];
      }
      const field = this.field(lhs);
      if (field === undefined) return undefined;
      const value = op === "in" ? this.options(rhs) : undefined;
      const right = op === "in" ? (value ? list(value, "or") : undefined) : this.value(rhs);
      if (!right) return undefined;
      const unit = rhs.type === "number" && op !== "in" ? unitOf(field) : undefined;
      if (unit && unit.field === field && UNIT_WORDS.has(field)) {
        // "minutes > 30": "has more than 30 minutes".
        const amount: Record<string, string> = {
          "=": "exactly",
          ">": "more than",
          ">=": "at least",
          "<": "less than",
          "<=": "at most",
        };
        const n = String(rhs.value);
        if (op === "!=") return `${plural ? "do" : "does"} not have exactly ${unit.amount(n)}`;
        return `${has} ${amount[op]} ${unit.amount(n)}`;
      }
      if (unit) {
        const n = String(rhs.value);
        if (op === "!=")
          return `${plural ? "do" : "does"} not have ${unit.field} of ${unit.amount(n)}`;
        const words: Record<string, string> = {
          "=": "of",
          ">": "greater than",
          ">=": "of at least",
          "<": "less than",
          "<=": "of at most",
        };
        return `${has} ${unit.field} ${words[op]} ${unit.amount(n)}`;
      }
      if (field === "") {
        const words: Record<string, string> = {
          "=": is,
          "!=": `${is} not`,
          ">": `${is} greater than`,
          ">=": `${is} at least`,
          "<": `${is} less than`,
          "<=": `${is} at most`,
          in: is,
        };
        return `${words[op]} ${right}`;
      }
      switch (op) {
        case "=":
        case "in":
          return `${has} ${field} ${right}`;
        case "!=":
          return `${plural ? "do" : "does"} not have ${field} ${right}`;
        case ">":
          return `${has} ${field} greater than ${right}`;
        case ">=":
          return `${has} ${field} of at least ${right}`;
        case "<":
          return `${has} ${field} less than ${right}`;
        case "<=":
          return `${has} ${field} of at most ${right}`;
      }
      return undefined;
    }
    const fn = functionName(node);
    if (fn === "exists" && args(node).length === 1) {
      const field = this.field(args(node)[0]);
      return field ? `${has} ${article(field)}` : undefined;
    }
    if (fn === "contains" && args(node).length === 2) {
      const field = this.field(args(node)[0]);
      const part = this.value(args(node)[1]);
      if (field === undefined || !part) return undefined;
      return field === ""
        ? `${plural ? "contain" : "contains"} ${part}`
        : `${has} ${field} containing ${part}`;
    }
    if (fn === "not" && args(node).length === 1) {
      const inner = args(node)[0];
      if (functionName(inner) === "exists" && args(inner).length === 1) {
        const field = this.field(args(inner)[0]);
        return field ? `${has} no ${field}` : undefined;
      }
      if (inner.type === "binary" && COMPARISON.has(String(inner.value))) {
        return this.predicate({ ...inner, value: NEGATE[String(inner.value)] } as Node, plural);
      }
      const field = this.field(inner);
      return field ? `${is} not ${field}` : undefined;
    }
    const field = this.field(node);
    if (field) return `${is} ${field}`;
    return undefined;
  }

  /** A field of the item inside a filter ("severity", "user login"); "" for the item itself. */
  private field(node: Node): string | undefined {
    if (node.type === "variable" && node.value === "") return "";
    const plain = plainSteps(node);
    if (!plain || plain.root || plain.steps.some((step) => step.filters.length > 0))
      return undefined;
    return humanize(plain.steps.map((step) => step.name).join(" "));
  }

  // -- values -----------------------------------------------------------------------------

  value(node: Node): string | undefined {
    const constant = literal(node);
    if (constant !== undefined) return constant;
    if (node.type === "block" && Array.isArray(node.expressions) && node.expressions.length === 1) {
      return this.value(node.expressions[0] as Node);
    }
    if (node.type === "path" || node.type === "name") return this.path(node);
    if (node.type === "variable" && node.value === "") return "the value";
    if (node.type === "binary") {
      const arithmetic: Record<string, string> = {
        "+": "plus",
        "-": "minus",
        "*": "times",
        "/": "divided by",
      };
      const words = arithmetic[String(node.value)];
      if (words) {
        const lhs = this.value(node.lhs as Node);
        const rhs = this.value(node.rhs as Node);
        return lhs && rhs ? `${lhs} ${words} ${rhs}` : undefined;
      }
      return undefined;
    }
    if (node.type === "condition") return this.fallbackValue(node);
    const fn = functionName(node);
    if (!fn) return undefined;
    const params = args(node);
    if ((fn === "now" || fn === "millis") && params.length === 0) return "now";
    if ((fn === "string" || fn === "number" || fn === "trim") && params.length === 1) {
      return this.value(params[0]);
    }
    if (fn === "count" && params.length === 1) {
      const c = this.collection(params[0]);
      if (!c) return undefined;
      const that = c.predicate ? ` that ${c.predicate(true)}` : "";
      return `the number of ${c.plural} ${c.of}${that}`;
    }
    const aggregate: Record<string, string> = {
      sum: "the sum of",
      max: "the largest of",
      min: "the smallest of",
      average: "the average of",
    };
    if (aggregate[fn] && params.length === 1) {
      const inner = this.value(params[0]);
      return inner ? `${aggregate[fn]} ${inner}` : undefined;
    }
    if (fn === "join" && params.length >= 1) {
      const inner = this.value(params[0]);
      return inner ? `${inner}, joined` : undefined;
    }
    return undefined;
  }

  /** `x ?? "n/a"` (JSONata writes it as `$exists(x) ? x : "n/a"`). */
  private fallbackValue(node: Node): string | undefined {
    const test = node.condition as Node | undefined;
    const then = node.then as Node | undefined;
    const otherwise = node.else as Node | undefined;
    if (!test || !then || !otherwise) return undefined;
    if (functionName(test) === "exists" && args(test).length === 1) {
      const subject = this.value(then);
      const fallback = this.value(otherwise);
      if (
        subject &&
        fallback &&
        JSON.stringify(stripPositions(args(test)[0])) === JSON.stringify(stripPositions(then))
      ) {
        return `${subject} (or ${fallback} when it is missing)`;
      }
    }
    return undefined;
  }

  private path(node: Node): string | undefined {
    const plain = plainSteps(node);
    if (!plain || plain.steps.some((step) => step.filters.length > 0)) {
      // A filtered list as a value: "the incidents of Fetch that have severity "sev-1"".
      const collection = plain ? this.collection(node) : undefined;
      if (!collection?.predicate) return undefined;
      return `the ${collection.plural} ${collection.of} that ${collection.predicate(true)}`;
    }
    const names = plain.steps.map((step) => step.name);
    const [root, ...rest] = names;
    const fields = (from: string[]) => humanize(from.join(" "));
    const the = (from: string[], owner: string) =>
      from.length === 0 ? owner : `the ${fields(from)} of ${owner}`;
    switch (root) {
      case "steps": {
        const [id, record, ...more] = rest;
        if (!id) return undefined;
        const name = this.context.nameOf(id);
        if (record === undefined || record === "output") {
          // An HTTP response's body is what people mean by the step's result. Step titles are
          // mostly imperatives ("Fetch open incidents"): a field comes "from" one, not "of" it.
          const fields = more[0] === "body" ? more.slice(1) : more;
          return fields.length === 0
            ? `the output of ${name}`
            : `the ${humanize(fields.join(" "))} ${relation(name, "field")} ${name}`;
        }
        if (record === "status") return `the status of ${name}`;
        if (record === "error")
          return the(
            more.filter((f) => f !== "message"),
            `the error of ${name}`,
          );
        if (record === "reason") return `why ${name} was skipped`;
        return undefined;
      }
      case "trigger": {
        const [field, ...more] = rest;
        if (field === undefined) return "the trigger";
        if (field === "inputs") {
          const [input, ...deeper] = more;
          return input ? the(deeper, `the ${humanize(input)} input`) : "the inputs";
        }
        if (field === "body") return the(more, "the request body");
        if (field === "query") return the(more, "the request's query");
        if (field === "headers")
          return more.length > 0 ? `the ${more.join(".")} header` : "the request headers";
        if (field === "data") return the(more, "the event's data");
        if (field === "scheduledAt") return "the scheduled time";
        if (field === "name") return "the event's name";
        if (field === "method") return "the request method";
        return the(more, `the trigger's ${humanize(field)}`);
      }
      case "item": {
        const noun = this.context.itemNoun ?? "item";
        return the(rest, `the ${noun}`);
      }
      case "index":
        return `the ${this.context.itemNoun ?? "item"}'s position (from 0)`;
      case "user": {
        const [field] = rest;
        const words: Record<string, string> = {
          email: "your email address",
          name: "your name",
          timeZone: "your time zone",
          id: "your user id",
        };
        return field === undefined ? "you" : words[field];
      }
      case "now":
        return rest.length === 0 ? "now" : undefined;
      case "error": {
        const [field] = rest;
        if (field === "message") return "the error message";
        if (field === "step") return "the step that failed";
        return "the error";
      }
      case "waits": {
        const [id, field] = rest;
        return id && (field === undefined || field === "url")
          ? `the resume link of ${this.context.nameOf(id)}`
          : undefined;
      }
      case "secrets":
        return rest[0] ? `the secret ${rest[0]}` : undefined;
      case "event": {
        const [field, ...more] = rest;
        if (field === "data") return the(more, "the event's data");
        if (field === "name") return "the event's name";
        return undefined;
      }
      default:
        // Inside a filter, a field of the item.
        return the([], `the ${fields(names)}`);
    }
  }
}

function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key !== "position") out[key] = stripPositions(child);
    }
    return out;
  }
  return value;
}
