// validatePlan: shape (zod), graph, actions and inputs, expressions and what they read,
// schedules, loops, durations. Every issue carries a JSON path and a message a person (or
// the model, repairing its own plan) can act on.
import type { ActionCatalog, CatalogAction } from "./catalog";
import { durationProblem } from "./duration";
import { appEvent, unknownEventMessage } from "./events";
import {
  type ExpressionReference,
  expressionUsage,
  FORBIDDEN_FUNCTIONS,
  parseExpression,
} from "./expression";
import {
  expressionSites,
  type ExpressionSite as SiteInPlan,
  type StepList,
} from "./expression-sites";
import { ancestorsOf, findCycles } from "./graph";
import { checkInputShape } from "./input-check";
import {
  describeValue,
  formatPath,
  type PathSegment,
  type PlanIssue,
  zodIssueMessage,
} from "./issues";
import { limitIssues } from "./limits";
import { inputValueProblem, matchesInputType } from "./manual-inputs";
import { cronProblem, nextFireTimes, onceInstant, onceProblem } from "./schedule";
import {
  type InputField,
  MAX_FOREACH_ITEMS,
  MAX_PLAN_BYTES,
  MAX_PLAN_DEPTH,
  type Plan,
  PlanSchema,
  type PlanStep,
  stepDependencies,
} from "./schema";
import { FAILURE_FIELDS, STEP_RECORD_FIELDS, TRIGGER_FIELDS, USER_FIELDS } from "./scope";
import { missingSecretMessage } from "./secrets";
import { didYouMean } from "./suggest";
import { walkStrings } from "./template";
import { isValidTimeZone } from "./timezone";

export type { PlanIssue } from "./issues";

export interface ValidateOptions {
  catalog: ActionCatalog;
  /** Names of the person's stored secrets; when given, other secret names are errors. */
  secrets?: readonly string[];
  /** The time now: when given, a one-shot trigger whose time has passed is warned about. */
  now?: Date;
}

export type ValidationResult =
  | { ok: true; plan: Plan; warnings: PlanIssue[] }
  | { ok: false; errors: PlanIssue[]; warnings: PlanIssue[] };

interface StepInfo {
  step: PlanStep;
  list: StepList;
  index: number;
  path: PathSegment[];
  action?: CatalogAction;
}

interface ExpressionSite extends Omit<SiteInPlan, "owner"> {
  owner?: StepInfo;
}

class Collector {
  readonly errors: PlanIssue[] = [];
  readonly warnings: PlanIssue[] = [];
  private readonly seen = new Set<string>();

  error(path: readonly PathSegment[], message: string): void {
    this.push(this.errors, path, message);
  }

  warn(path: readonly PathSegment[], message: string): void {
    this.push(this.warnings, path, message);
  }

  private push(list: PlanIssue[], path: readonly PathSegment[], message: string): void {
    const issue = { path: formatPath(path), message };
    const key = `${list === this.errors ? "e" : "w"}|${issue.path}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    list.push(issue);
  }
}

/**
 * A plan too deep or too large for the language (and for the recursive walks that follow):
 * measured without recursion first, so absurd input is a clear error, not a stack overflow.
 */
function sizeProblem(raw: object): { path: (string | number)[]; message: string } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: raw, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (value === null || typeof value !== "object") continue;
    if (path.length >= MAX_PLAN_DEPTH) {
      return { path, message: `nests deeper than ${MAX_PLAN_DEPTH} levels; flatten it` };
    }
    for (const [key, child] of Object.entries(value)) {
      stack.push({ value: child, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(raw)).length;
  if (bytes > MAX_PLAN_BYTES) {
    return {
      path: [],
      message: `the plan is ${Math.ceil(bytes / 1024)} KB of JSON; a plan may be at most ${MAX_PLAN_BYTES / 1024} KB`,
    };
  }
  return undefined;
}

/** Validates a plan (an object, or JSON text) against the plan language and a catalog. */
export function validatePlan(input: unknown, options: ValidateOptions): ValidationResult {
  const issues = new Collector();
  let raw = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      issues.error([], `the plan is not valid JSON: ${reason}`);
      return { ok: false, errors: issues.errors, warnings: [] };
    }
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    issues.error([], `a plan must be a JSON object, got ${describeValue(raw)}`);
    return { ok: false, errors: issues.errors, warnings: [] };
  }
  const oversized = sizeProblem(raw);
  if (oversized) {
    issues.error(oversized.path, oversized.message);
    return { ok: false, errors: issues.errors, warnings: [] };
  }

  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.error(
        issue.path.map((s) => (typeof s === "number" ? s : String(s))),
        zodIssueMessage(issue, { schema: PlanSchema, root: raw }),
      );
    }
    // The graph and expressions need a well-formed plan, but actions and their inputs can be
    // checked step by step, so one repair round can fix those too.
    checkStepActionsLeniently(raw as Record<string, unknown>, options.catalog, issues);
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  }

  const plan = parsed.data;
  new PlanChecker(plan, options, issues).run();
  if (issues.errors.length > 0) {
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  }
  return { ok: true, plan, warnings: issues.warnings };
}

/** One issue per line, `<path>: <message>`, as the CLI and the model see them. */
export function formatIssues(issues: readonly PlanIssue[]): string[] {
  return issues.map((issue) => `${issue.path || "(plan)"}: ${issue.message}`);
}

class PlanChecker {
  private readonly infos: StepInfo[];
  private readonly byId = new Map<string, StepInfo>();
  /** Steps whose id repeats an earlier one; their references are not checked (noise). */
  private readonly duplicates = new Set<StepInfo>();
  private readonly ancestors = new Map<string, Set<string>>();
  private graphIsSound = true;

  constructor(
    private readonly plan: Plan,
    private readonly options: ValidateOptions,
    private readonly issues: Collector,
  ) {
    this.infos = [
      ...plan.steps.map((step, index) => ({
        step,
        list: "steps" as const,
        index,
        path: ["steps", index] as PathSegment[],
        action: options.catalog.get(step.action),
      })),
      ...(plan.onFailure ?? []).map((step, index) => ({
        step,
        list: "onFailure" as const,
        index,
        path: ["onFailure", index] as PathSegment[],
        action: options.catalog.get(step.action),
      })),
    ];
  }

  run(): void {
    this.checkTimeZones();
    this.checkTrigger();
    for (const issue of limitIssues(this.plan)) this.issues.error(issue.path, issue.message);
    this.checkIds();
    this.checkDependencies();
    for (const info of this.infos) this.checkStep(info);
    for (const site of this.expressionSites()) this.checkExpression(site);
  }

  private checkTimeZones(): void {
    const zone = this.plan.timezone;
    if (zone !== undefined && !isValidTimeZone(zone)) {
      this.issues.error(["timezone"], timeZoneMessage(zone));
    }
    const trigger = this.plan.trigger;
    if (
      (trigger.type === "schedule" || trigger.type === "once") &&
      !isValidTimeZone(trigger.timezone)
    ) {
      this.issues.error(["trigger", "timezone"], timeZoneMessage(trigger.timezone));
    }
  }

  private checkTrigger(): void {
    const trigger = this.plan.trigger;
    if (trigger.type === "schedule") {
      const problem = cronProblem(trigger.cron);
      if (problem) {
        this.issues.error(["trigger", "cron"], problem);
      } else if (isValidTimeZone(trigger.timezone)) {
        const [first, second] = nextFireTimes(trigger, 2, new Date(Date.UTC(2030, 0, 7)));
        if (first && second && second.getTime() - first.getTime() < 5 * 60_000) {
          this.issues.warn(
            ["trigger", "cron"],
            `"${trigger.cron}" runs more often than every 5 minutes; is that intended?`,
          );
        }
      }
    }
    if (trigger.type === "once") {
      const problem = onceProblem(trigger.at);
      const at = isValidTimeZone(trigger.timezone) ? onceInstant(trigger) : undefined;
      if (problem) {
        this.issues.error(["trigger", "at"], problem);
      } else if (at && this.options.now && at.getTime() <= this.options.now.getTime()) {
        this.issues.warn(
          ["trigger", "at"],
          `${at.toISOString()} has already passed: a one-shot trigger in the past never runs (compute it from the current time)`,
        );
      }
    }
    if (trigger.type === "event" && !appEvent(trigger.event)) {
      this.issues.error(["trigger", "event"], unknownEventMessage(trigger.event));
    }
    if (trigger.type === "manual") {
      for (const [name, field] of Object.entries(trigger.inputs ?? {})) {
        this.checkInputField(name, field);
      }
    }
  }

  private checkInputField(name: string, field: InputField): void {
    const path: PathSegment[] = ["trigger", "inputs", name];
    if (field.items !== undefined && field.type !== "array") {
      this.issues.error(
        [...path, "items"],
        `only an array input has items; this one is ${inputTypeWords(field.type)}`,
      );
    }
    if (field.default !== undefined && !matchesInputType(field.type, field.default)) {
      this.issues.error(
        [...path, "default"],
        `expected ${inputTypeWords(field.type)}, got ${describeValue(field.default)}`,
      );
    } else if (field.default !== undefined && field.type === "array" && field.items) {
      const problem = inputValueProblem({ type: "array", items: field.items }, field.default);
      if (problem?.at !== undefined) {
        this.issues.error([...path, "default", problem.at], problem.message);
      }
    }
    for (const [i, option] of (field.items?.enum ?? []).entries()) {
      if (field.items && !matchesInputType(field.items.type, option)) {
        this.issues.error(
          [...path, "items", "enum", i],
          `expected ${inputTypeWords(field.items.type)}, got ${describeValue(option)}`,
        );
      }
    }
    if (field.enum) {
      for (const [i, option] of field.enum.entries()) {
        if (!matchesInputType(field.type, option)) {
          this.issues.error(
            [...path, "enum", i],
            `expected ${inputTypeWords(field.type)}, got ${describeValue(option)}`,
          );
        }
      }
      if (field.default !== undefined && !field.enum.includes(field.default as string | number)) {
        this.issues.error([...path, "default"], `must be one of the enum values`);
      }
    }
  }

  private checkIds(): void {
    const first = new Map<string, StepInfo>();
    for (const info of this.infos) {
      const previous = first.get(info.step.id);
      if (previous) {
        this.duplicates.add(info);
        this.issues.error(
          [...info.path, "id"],
          `duplicate step id "${info.step.id}" (also ${formatPath(previous.path)}); every step needs its own id`,
        );
      } else {
        first.set(info.step.id, info);
        this.byId.set(info.step.id, info);
      }
    }
  }

  private checkDependencies(): void {
    const ids = [...this.byId.keys()];
    for (const info of this.infos) {
      const after = info.step.after ?? [];
      const listed = new Set<string>();
      after.forEach((dep, i) => {
        const path = [...info.path, "after", i];
        if (listed.has(dep)) {
          this.issues.warn(path, `"${dep}" is listed twice`);
          return;
        }
        listed.add(dep);
        if (dep === info.step.id) {
          this.issues.error(path, `step "${dep}" cannot run after itself`);
          this.graphIsSound = false;
          return;
        }
        const target = this.byId.get(dep);
        if (!target) {
          this.issues.error(path, `unknown step "${dep}"${didYouMean(dep, ids)}`);
          this.graphIsSound = false;
          return;
        }
        if (info.list === "steps" && target.list === "onFailure") {
          this.issues.error(path, `"${dep}" is an onFailure step; main steps cannot wait for it`);
          this.graphIsSound = false;
        } else if (info.list === "onFailure" && target.list === "steps") {
          this.issues.error(
            path,
            `"${dep}" is a main step; onFailure steps run after the run failed and can only wait for other onFailure steps (they may still read steps.${dep})`,
          );
          this.graphIsSound = false;
        }
      });
    }

    for (const info of this.infos) this.checkOtherwise(info);

    const nodes = this.infos.map((info) => ({
      id: info.step.id,
      after: stepDependencies(info.step),
    }));
    for (const cycle of findCycles(nodes).filter((c) => c.length > 2)) {
      const start = this.byId.get(cycle[0]);
      this.issues.error(
        start ? [...start.path, "after"] : [],
        `dependency cycle: ${cycle.join(" → ")}; remove one of these "after" entries`,
      );
      this.graphIsSound = false;
    }
    for (const info of this.infos) {
      this.ancestors.set(info.step.id, ancestorsOf(nodes, info.step.id));
    }
  }

  /** `else: "<id>"` names a step with an `if`, in the same list, with no other otherwise. */
  private checkOtherwise(info: StepInfo): void {
    const target = info.step.else;
    if (target === undefined) return;
    const path = [...info.path, "else"];
    const fail = (message: string) => {
      this.issues.error(path, message);
      this.graphIsSound = false;
    };
    if (target === info.step.id) {
      fail("a step cannot be its own otherwise branch");
      return;
    }
    const other = this.byId.get(target);
    if (!other) {
      fail(
        `unknown step "${target}"${didYouMean(target, this.byId.keys())}; else names the step whose condition this one is the otherwise of`,
      );
      return;
    }
    if (other.list !== info.list) {
      fail(
        `"${target}" is ${other.list === "onFailure" ? "an onFailure" : "a main"} step; an otherwise branch must be in the same list as its step`,
      );
      return;
    }
    if (other.step.if === undefined) {
      this.issues.error(
        path,
        `"${target}" has no if, so it always runs and this step never would; give "${target}" an if`,
      );
      return;
    }
    const earlier = this.infos.find(
      (candidate) =>
        candidate !== info &&
        candidate.step.else === target &&
        candidate.index < info.index &&
        candidate.list === info.list,
    );
    if (earlier) {
      this.issues.error(
        path,
        `"${target}" already has an otherwise branch (${formatPath(earlier.path)}); for a third way, give that branch its own if and an else of its own ("else if")`,
      );
    }
  }

  private checkStep(info: StepInfo): void {
    const { step, path } = info;
    const actionIds = this.options.catalog.list().map((action) => action.id);
    if (!info.action) {
      const hint = suggestAction(step.action, actionIds);
      this.issues.error(
        [...path, "action"],
        `unknown action "${step.action}"${hint || `; available: ${actionIds.join(", ")}`}`,
      );
    } else {
      for (const issue of checkInputShape(info.action.input, step.input ?? {})) {
        this.issues.error([...path, "input", ...issue.path], issue.message);
      }
    }

    if (step.forEach !== undefined) {
      if (step.maxItems === undefined) {
        this.issues.error(
          [...path, "maxItems"],
          `a loop needs maxItems, the most items it may run (at most ${MAX_FOREACH_ITEMS})`,
        );
      } else if (step.maxItems > MAX_FOREACH_ITEMS) {
        this.issues.error(
          [...path, "maxItems"],
          `must be at most ${MAX_FOREACH_ITEMS}, the largest loop a plan may run; got ${step.maxItems}`,
        );
      }
      if (info.action?.kind === "wait") {
        this.issues.error(
          [...path, "forEach"],
          `a wait step cannot loop ("${step.action}" has one resume URL); loop over the steps before or after it`,
        );
      }
    } else {
      if (step.maxItems !== undefined)
        this.issues.warn([...path, "maxItems"], "has no effect without forEach");
      if (step.concurrency !== undefined) {
        this.issues.warn([...path, "concurrency"], "has no effect without forEach");
      }
    }

    const event = step.input?.event;
    if (
      info.action?.kind === "wait" &&
      typeof event === "string" &&
      !event.includes("{{") &&
      !appEvent(event)
    ) {
      this.issues.error([...path, "input", "event"], unknownEventMessage(event));
    }

    if (step.timeout !== undefined) {
      const problem = durationProblem(step.timeout);
      if (problem) this.issues.error([...path, "timeout"], problem);
    }
    if (step.retry?.delay !== undefined) {
      const problem = durationProblem(step.retry.delay);
      if (problem) this.issues.error([...path, "retry", "delay"], problem);
    }
    if (step.retry && info.action?.kind === "wait") {
      this.issues.warn([...path, "retry"], "a wait step is not retried; retry has no effect here");
    }

    for (const { value, path: inner } of walkStrings(step.input ?? {})) {
      if (!value.includes("{{") && /^\s*(steps|trigger|waits|secrets)\.[A-Za-z_]\w*/.test(value)) {
        this.issues.warn(
          [...path, "input", ...inner],
          `"${value}" looks like an expression but is plain text; write "{{ ${value.trim()} }}" to use its value`,
        );
      }
    }
  }

  private *expressionSites(): Generator<ExpressionSite> {
    const sites = expressionSites(this.plan, {
      catalog: this.options.catalog,
      onTemplateError: (path, error) => this.issues.error(path, error.message),
    });
    for (const site of sites) {
      const owner = site.owner;
      yield {
        ...site,
        owner: owner
          ? this.infos[owner.list === "steps" ? owner.index : this.plan.steps.length + owner.index]
          : undefined,
      };
    }
  }

  private checkExpression(site: ExpressionSite): void {
    const shown =
      site.kind === "binding" ? `{{ ${site.source.trim()} }}` : JSON.stringify(site.source);
    if (
      (site.kind === "condition" || site.kind === "forEach" || site.kind === "trigger") &&
      site.source.trim().startsWith("{{")
    ) {
      this.issues.error(
        site.path,
        `write ${site.kind === "forEach" ? "forEach" : "if"} as a bare expression, without {{ }}`,
      );
      return;
    }
    const parsed = parseExpression(site.source);
    if (!parsed.ok) {
      this.issues.error(
        site.path,
        `cannot parse ${shown}: ${parsed.message} (at character ${parsed.position})`,
      );
      return;
    }
    const usage = expressionUsage(parsed.ast);
    for (const fn of usage.functions) {
      if (FORBIDDEN_FUNCTIONS[fn]) this.issues.error(site.path, FORBIDDEN_FUNCTIONS[fn]);
    }
    for (const reference of usage.references) this.checkReference(site, reference);
    for (const path of usage.itemPathsLikeRoots) {
      this.issues.warn(
        site.path,
        `"${path}" inside [ ] reads a field of each item, not the run's ${path.split(".")[0]}; write $$.${path} to read it from the root`,
      );
    }
  }

  private checkReference(site: ExpressionSite, ref: ExpressionReference): void {
    const error = (message: string) => this.issues.error(site.path, message);
    const owner = site.owner;
    if (owner && this.duplicates.has(owner)) return;
    const text = [ref.root, ref.name, ref.field].filter(Boolean).join(".");

    if (site.kind === "key" && ref.root !== "trigger") {
      error(
        `${ref.root}: the idempotency key names the delivery before the run starts; it can read only trigger (e.g. {{ trigger.body.id }})`,
      );
      return;
    }
    if (site.kind === "trigger" && !["trigger", "user", "now"].includes(ref.root)) {
      error(
        `${ref.root}: the trigger condition is checked before any step runs; it can read trigger, user and now`,
      );
      return;
    }

    switch (ref.root) {
      case "steps":
        this.checkStepReference(site, ref, text);
        return;
      case "waits":
        this.checkWaitReference(site, ref);
        return;
      case "secrets": {
        if (site.kind !== "binding") {
          error(`${text}: secrets can only be used in step inputs, not in if, forEach or match`);
          return;
        }
        if (!ref.name) {
          error("secrets: name one secret, like secrets.API_TOKEN");
          return;
        }
        const known = this.options.secrets;
        if (known && !known.includes(ref.name)) error(missingSecretMessage(ref.name, known));
        return;
      }
      case "item":
      case "index": {
        if (!owner?.step.forEach) {
          error(`${ref.root}: only available in a step with forEach`);
        } else if (site.kind === "forEach") {
          error(`${ref.root}: the forEach expression is evaluated before there is an item`);
        } else if (site.kind === "condition") {
          error(
            `${ref.root}: if is checked once for the whole step; to skip some items, filter the list in forEach (e.g. "list[condition]")`,
          );
        }
        return;
      }
      case "error": {
        if (owner?.list !== "onFailure") {
          error("error: only available in onFailure steps");
        } else if (ref.name && !(FAILURE_FIELDS as readonly string[]).includes(ref.name)) {
          error(
            `error.${ref.name}: error has ${FAILURE_FIELDS.join(", ")}${didYouMean(ref.name, FAILURE_FIELDS)}`,
          );
        }
        return;
      }
      case "trigger":
        this.checkTriggerReference(site, ref);
        return;
      case "user": {
        if (ref.name && !(USER_FIELDS as readonly string[]).includes(ref.name)) {
          error(
            `user.${ref.name}: user has ${USER_FIELDS.join(", ")}${didYouMean(ref.name, USER_FIELDS)}`,
          );
        }
        return;
      }
      case "now":
        return;
    }
  }

  private checkStepReference(site: ExpressionSite, ref: ExpressionReference, text: string): void {
    const error = (message: string) => this.issues.error(site.path, message);
    if (!ref.name) {
      error("steps: name one step, like steps.fetch.output");
      return;
    }
    const target = this.byId.get(ref.name);
    if (!target) {
      error(
        `steps.${ref.name}: no step has id "${ref.name}"${didYouMean(ref.name, this.byId.keys())}`,
      );
      return;
    }
    if (ref.field && !(STEP_RECORD_FIELDS as readonly string[]).includes(ref.field)) {
      error(
        `${text}: a step has ${STEP_RECORD_FIELDS.join(", ")}; did you mean steps.${ref.name}.output.${ref.field}?`,
      );
    }
    const owner = site.owner;
    if (!owner) return;
    if (ref.name === owner.step.id) {
      error(`steps.${ref.name}: a step cannot read its own result`);
      return;
    }
    if (owner.list === "steps" && target.list === "onFailure") {
      error(`steps.${ref.name}: "${ref.name}" is an onFailure step; main steps cannot read it`);
      return;
    }
    if (owner.list === "onFailure" && target.list === "steps") return;
    if (!this.graphIsSound) return;
    if (!this.ancestors.get(owner.step.id)?.has(ref.name)) {
      error(
        `steps.${ref.name}: "${ref.name}" is not upstream of "${owner.step.id}", so its result may not exist yet; add "${ref.name}" to ${formatPath([...owner.path, "after"])}`,
      );
    }
  }

  private checkWaitReference(site: ExpressionSite, ref: ExpressionReference): void {
    const error = (message: string) => this.issues.error(site.path, message);
    if (!ref.name) {
      error("waits: name one wait step, like waits.approve.url");
      return;
    }
    const target = this.byId.get(ref.name);
    const waitIds = this.infos.filter((i) => i.action?.kind === "wait").map((i) => i.step.id);
    if (!target) {
      const known =
        waitIds.length > 0
          ? `${didYouMean(ref.name, waitIds)}; wait steps: ${waitIds.join(", ")}`
          : "; the plan has no wait steps";
      error(`waits.${ref.name}: no step has id "${ref.name}"${known}`);
      return;
    }
    if (target.action && target.action.kind !== "wait") {
      error(
        `waits.${ref.name}: "${ref.name}" runs ${target.step.action}, not a wait; only wait.* steps have a resume URL`,
      );
      return;
    }
    if (ref.field !== undefined && ref.field !== "url") {
      error(`waits.${ref.name}.${ref.field}: a wait exposes only url (waits.${ref.name}.url)`);
    }
  }

  private checkTriggerReference(site: ExpressionSite, ref: ExpressionReference): void {
    const error = (message: string) => this.issues.error(site.path, message);
    const trigger = this.plan.trigger;
    if (!ref.name) return;
    const fields = TRIGGER_FIELDS[trigger.type];
    if (!fields.includes(ref.name)) {
      error(
        `trigger.${ref.name}: a ${trigger.type} trigger has ${fields.join(", ")}${didYouMean(ref.name, fields)}`,
      );
      return;
    }
    const event = trigger.type === "event" ? appEvent(trigger.event) : undefined;
    if (event && ref.name === "data" && ref.field && !(ref.field in event.data)) {
      const fields = Object.keys(event.data);
      error(
        `trigger.data.${ref.field}: "${event.name}" carries ${fields.join(", ")}${didYouMean(ref.field, fields)}`,
      );
      return;
    }
    if (trigger.type === "manual" && ref.name === "inputs" && ref.field) {
      const declared = Object.keys(trigger.inputs ?? {});
      if (!declared.includes(ref.field)) {
        error(
          declared.length === 0
            ? `trigger.inputs.${ref.field}: the manual trigger declares no inputs; add "${ref.field}" to trigger.inputs`
            : `trigger.inputs.${ref.field}: no input named "${ref.field}"${didYouMean(ref.field, declared)}; declared inputs: ${declared.join(", ")}`,
        );
      }
    }
  }
}

function checkStepActionsLeniently(
  raw: Record<string, unknown>,
  catalog: ActionCatalog,
  issues: Collector,
): void {
  const ids = catalog.list().map((action) => action.id);
  for (const list of ["steps", "onFailure"] as const) {
    const steps = raw[list];
    if (!Array.isArray(steps)) continue;
    steps.forEach((step: unknown, index) => {
      if (step === null || typeof step !== "object") return;
      const { action: id, input } = step as { action?: unknown; input?: unknown };
      if (typeof id !== "string" || id === "") return;
      const action = catalog.get(id);
      if (!action) {
        const hint = suggestAction(id, ids);
        issues.error(
          [list, index, "action"],
          `unknown action "${id}"${hint || `; available: ${ids.join(", ")}`}`,
        );
        return;
      }
      if (
        input !== undefined &&
        (input === null || typeof input !== "object" || Array.isArray(input))
      )
        return;
      for (const issue of checkInputShape(action.input, input ?? {})) {
        issues.error([list, index, "input", ...issue.path], issue.message);
      }
    });
  }
}

/** Like didYouMean, but prefers actions of the same family ("http.get" → "http.request"). */
function suggestAction(name: string, ids: readonly string[]): string {
  const family = name.includes(".") ? name.slice(0, name.indexOf(".") + 1) : undefined;
  const siblings = family ? ids.filter((id) => id.startsWith(family)) : [];
  if (siblings.length === 1) return ` (did you mean "${siblings[0]}"?)`;
  return didYouMean(name, siblings.length > 0 ? siblings : ids);
}

function timeZoneMessage(zone: string): string {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return `"${zone}" is not an IANA time zone${didYouMean(zone, known) || ' (use a name like "Europe/Berlin" or "America/New_York")'}`;
}

function inputTypeWords(type: InputField["type"]): string {
  return (
    {
      string: "text",
      number: "a number",
      integer: "a whole number",
      boolean: "true or false",
      array: "a list",
      object: "an object",
    } as const
  )[type];
}
