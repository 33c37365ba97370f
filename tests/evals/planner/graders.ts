// The planner evaluation's graders: pure checks of facts of what the model did with a request
// (the plan it proposed, or that it asked or declined instead), never of its wording. Each
// check answers pass/fail with a line a person can act on ("trigger: cron 0 8 * * * fires at
// other times than 30 7 * * 1-5"). Step ids are the model's choice, so checks find steps by
// their action and follow the plan's own references (`steps.<id>`, `after`, `else`).
import { allSteps, nextFireTimes, type Plan, type PlanStep, stepDependencies } from "@/lib/plan";

/** What one run of one request produced, as the graders read it. */
export interface Attempt {
  /** The plan the turn saved (the last one, if it saved several); undefined when none. */
  plan?: Plan;
  /** The assistant's text in the turn, all steps joined. */
  text: string;
  /** Every tool call the model made, in order. */
  toolCalls: { name: string; input: unknown }[];
  /** A test run of the saved plan, when the case asked for one. */
  testRun?: TestRunOutcome;
  /** What the planner tools refused, newest last (for the report when no plan was saved). */
  plannerErrors?: string[];
  /** The turn could not finish (the model's endpoint failed, the harness threw). */
  error?: string;
}

export interface TestRunOutcome {
  status: string;
  steps: { stepId: string; action: string; outcome: string; error?: string }[];
}

export type StepOutcome = "ran" | "simulated" | "skipped" | "not reached" | "failed";

/** One fact to check; a case lists several. */
export type Check =
  | {
      check: "trigger";
      type: Plan["trigger"]["type"];
      /** Compared by what it fires at (the next 20 times), so `1-5` and `MON-FRI` agree. */
      cron?: string;
      timezone?: string;
      /** A `once` trigger about this many minutes after the case's `now` (± tolerance). */
      inMinutes?: number;
      toleranceMinutes?: number;
      /** A `once` trigger at this local date-time ("2026-03-03T09:00") in `timezone`. */
      at?: string;
      /** A `once` trigger at this local time of day ("09:00")… */
      localTime?: string;
      /** …on the local date this many days after the request's (default 0). */
      dayOffset?: number;
      /** An event trigger's event name. */
      event?: string;
    }
  | {
      check: "actions";
      /** Every one of these is used by some step. */
      include?: string[];
      /** None of these is used. */
      exclude?: string[];
    }
  | {
      check: "condition";
      /** A step with this action runs only under a condition (its own `if`/`else`, or an ancestor's)… */
      guards: string;
      /** …that reads a step with one of these actions (directly or derived), or "trigger". */
      reads: string[];
    }
  | {
      check: "loop";
      /** A step with this action (or one of these) runs per item… */
      body: string | string[];
      /** …of a list read from a step with one of these actions (directly or derived). */
      over: string[];
    }
  | {
      check: "wait";
      /** A step with this action (or one of these) waits. */
      action: string | string[];
      /** It has a deadline (timeout or until). */
      deadline?: boolean;
      /** A later step with one of these actions depends on the wait's outcome (its `if` reads it, or `else`). */
      branches?: string[];
      /** The wait comes after a step with this action. */
      after?: string;
    }
  | {
      check: "failure";
      /** How the plan handles failure. */
      handler: "onFailure" | "retry" | "continue";
      /** For onFailure: one of its steps uses one of these actions. For retry/continue: the step's action. */
      action?: string[];
    }
  | {
      check: "recipient";
      /** Every step with this action addresses a matching recipient, and there is at least one. */
      action: string;
      /** Regular expression (case-insensitive) the recipient field must match. */
      matches: string;
    }
  | {
      check: "input";
      /** Some step with this action has an input field (dot path) matching (case-insensitive). */
      action: string;
      path: string;
      matches: string;
    }
  | {
      check: "limits";
      /** `plan.limits.singleton` is this mode. */
      singleton?: "skip" | "replace";
      /** These `plan.limits` fields are set (any value). */
      has?: ("concurrency" | "rate" | "debounce" | "timeout")[];
      /** The trigger's idempotency key reads this path (e.g. "trigger.body.id"). */
      idempotencyKey?: string;
    }
  | {
      check: "testRun";
      /** The test run's status (default: succeeded). */
      status?: string;
      /** Each action: at least one step with it ended so. */
      outcomes: Partial<Record<StepOutcome, string[]>>;
      /** Each action: no step with it ended so. */
      not?: Partial<Record<StepOutcome, string[]>>;
    };

/** What the right answer is: a plan with these facts, a clarifying question, or a refusal. */
export type Expectation =
  | { answer: "plan"; checks: Check[] }
  | {
      answer: "clarify";
      /** The question is about one of these (words of the reply, case-insensitive). */
      about?: string[];
    }
  | { answer: "decline" };

export interface CheckResult {
  ok: boolean;
  /** "trigger", "condition(email.send)": which check, for the report. */
  name: string;
  detail: string;
}

export interface GradeContext {
  /** The instant the request was made at (for `once` triggers in minutes). */
  now: Date;
}

const pass = (name: string, detail = "ok"): CheckResult => ({ ok: true, name, detail });
const fail = (name: string, detail: string): CheckResult => ({ ok: false, name, detail });

const STEP_REF = /\bsteps\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;

function refsIn(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(STEP_REF)].map((m) => m[1]);
}

/** Every string inside a value (step inputs), for the references they bind. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Step ids a step reads or waits for: `after`, `else`, and every `steps.<id>` it mentions. */
function inputsOf(step: PlanStep): Set<string> {
  return new Set([
    ...stepDependencies(step),
    ...refsIn(step.if),
    ...refsIn(step.forEach),
    ...stringsIn(step.input).flatMap(refsIn),
  ]);
}

class PlanIndex {
  readonly steps: PlanStep[];
  readonly byId: Map<string, PlanStep>;
  constructor(readonly plan: Plan) {
    this.steps = allSteps(plan);
    this.byId = new Map(this.steps.map((s) => [s.id, s]));
  }

  withAction(actions: string | string[]): PlanStep[] {
    const set = new Set(Array.isArray(actions) ? actions : [actions]);
    return this.steps.filter((s) => set.has(s.action));
  }

  /** Whether step `id` is one of `actions`, or derives from one (reads it through other steps). */
  derivesFrom(id: string, actions: Set<string>, seen = new Set<string>()): boolean {
    if (seen.has(id)) return false;
    seen.add(id);
    const step = this.byId.get(id);
    if (!step) return false;
    if (actions.has(step.action)) return true;
    return [...inputsOf(step)].some((ref) => this.derivesFrom(ref, actions, seen));
  }

  /** The step and every step it waits for, transitively (`after`, `else`). */
  ancestry(step: PlanStep): PlanStep[] {
    const out: PlanStep[] = [];
    const queue = [step];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const current = queue.shift() as PlanStep;
      if (seen.has(current.id)) continue;
      seen.add(current.id);
      out.push(current);
      for (const dep of stepDependencies(current)) {
        const next = this.byId.get(dep);
        if (next) queue.push(next);
      }
    }
    return out;
  }
}

function fireTimes(trigger: Plan["trigger"], from: Date) {
  return nextFireTimes(trigger, 20, from).map((d) => d.toISOString());
}

function gradeTrigger(check: Extract<Check, { check: "trigger" }>, plan: Plan, ctx: GradeContext) {
  const name = "trigger";
  const trigger = plan.trigger;
  if (trigger.type !== check.type) {
    return fail(name, `expected a ${check.type} trigger, the plan has ${trigger.type}`);
  }
  if (check.timezone !== undefined) {
    const zone =
      trigger.type === "schedule" || trigger.type === "once" ? trigger.timezone : plan.timezone;
    if (zone !== check.timezone) {
      return fail(name, `expected time zone ${check.timezone}, the plan has ${zone ?? "none"}`);
    }
  }
  if (check.cron !== undefined) {
    if (trigger.type !== "schedule") return fail(name, "expected a cron schedule");
    const expected = fireTimes(
      { type: "schedule", cron: check.cron, timezone: trigger.timezone },
      ctx.now,
    );
    const actual = fireTimes(trigger, ctx.now);
    if (actual.length === 0) return fail(name, `cron ${trigger.cron} never fires`);
    if (expected.join() !== actual.join()) {
      return fail(name, `cron ${trigger.cron} fires at other times than ${check.cron}`);
    }
  }
  if (check.inMinutes !== undefined || check.at !== undefined) {
    if (trigger.type !== "once") return fail(name, "expected a once trigger");
    const [at] = nextFireTimes(trigger, 1, new Date(0));
    if (!at) return fail(name, `once trigger at ${trigger.at} is not a valid time`);
    if (check.inMinutes !== undefined) {
      const minutes = (at.getTime() - ctx.now.getTime()) / 60_000;
      const tolerance = check.toleranceMinutes ?? 2;
      if (Math.abs(minutes - check.inMinutes) > tolerance) {
        return fail(
          name,
          `fires ${minutes.toFixed(1)} minutes after the request, expected ${check.inMinutes}`,
        );
      }
    }
    if (check.at !== undefined) {
      const expected = nextFireTimes(
        { type: "once", at: check.at, timezone: check.timezone ?? trigger.timezone },
        1,
        new Date(0),
      )[0];
      if (!expected || expected.getTime() !== at.getTime()) {
        return fail(name, `fires at ${trigger.at} (${trigger.timezone}), expected ${check.at}`);
      }
    }
  }
  if (check.localTime !== undefined) {
    if (trigger.type !== "once") return fail(name, "expected a once trigger");
    const [at] = nextFireTimes(trigger, 1, new Date(0));
    const zone = trigger.timezone;
    const expectedDay = localDate(new Date(ctx.now.getTime()), zone, check.dayOffset ?? 0);
    const actual = at ? `${localDate(at, zone, 0)} ${localClock(at, zone)}` : "never";
    if (actual !== `${expectedDay} ${check.localTime}`) {
      return fail(name, `fires at ${actual} (${zone}), expected ${expectedDay} ${check.localTime}`);
    }
  }
  if (check.event !== undefined) {
    if (trigger.type !== "event" || trigger.event !== check.event) {
      return fail(name, `expected the event ${check.event}`);
    }
  }
  return pass(name, `${trigger.type}`);
}

/** The local calendar date ("2026-03-03") of an instant, moved by whole days. */
function localDate(instant: Date, zone: string, dayOffset: number): string {
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
  const moved = new Date(`${today}T12:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + dayOffset);
  return moved.toISOString().slice(0, 10);
}

function localClock(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
}

function gradeActions(check: Extract<Check, { check: "actions" }>, index: PlanIndex) {
  const used = new Set(index.steps.map((s) => s.action));
  const missing = (check.include ?? []).filter((a) => !used.has(a));
  if (missing.length > 0) return fail("actions", `no step uses ${missing.join(", ")}`);
  const unwanted = (check.exclude ?? []).filter((a) => used.has(a));
  if (unwanted.length > 0)
    return fail("actions", `uses ${unwanted.join(", ")}, which it should not`);
  return pass("actions", [...used].join(", "));
}

function gradeCondition(check: Extract<Check, { check: "condition" }>, index: PlanIndex) {
  const name = `condition(${check.guards})`;
  const guarded = index.withAction(check.guards);
  if (guarded.length === 0) return fail(name, `no step uses ${check.guards}`);
  const reads = new Set(check.reads);
  for (const step of guarded) {
    for (const candidate of index.ancestry(step)) {
      const refs = [
        ...refsIn(candidate.if),
        ...(candidate.else ? refsIn(index.byId.get(candidate.else)?.if) : []),
      ];
      if (refs.some((ref) => index.derivesFrom(ref, reads))) return pass(name);
      const readsTrigger = [candidate.if, candidate.else ? index.byId.get(candidate.else)?.if : ""]
        .filter(Boolean)
        .some((expr) => /\btrigger\s*\./.test(expr ?? ""));
      if (reads.has("trigger") && readsTrigger) return pass(name);
    }
  }
  return fail(
    name,
    `no ${check.guards} step is conditional on what a ${check.reads.join("/")} step returned`,
  );
}

function gradeLoop(check: Extract<Check, { check: "loop" }>, index: PlanIndex) {
  const body = Array.isArray(check.body) ? check.body : [check.body];
  const name = `loop(${body.join("/")})`;
  const over = new Set(check.over);
  const bodies = index.withAction(body);
  if (bodies.length === 0) return fail(name, `no step uses ${body.join("/")}`);
  const looped = bodies.filter((s) => s.forEach);
  if (looped.length === 0) return fail(name, `no ${body.join("/")} step has forEach`);
  const ok = looped.some((s) => refsIn(s.forEach).some((ref) => index.derivesFrom(ref, over)));
  return ok
    ? pass(name)
    : fail(name, `forEach does not read a list from a ${check.over.join("/")} step`);
}

function gradeWait(check: Extract<Check, { check: "wait" }>, index: PlanIndex) {
  const actions = Array.isArray(check.action) ? check.action : [check.action];
  const name = `wait(${actions.join("/")})`;
  const waits = index.withAction(actions);
  if (waits.length === 0) return fail(name, `no step uses ${actions.join("/")}`);
  const problems: string[] = [];
  for (const wait of waits) {
    const input = (wait.input ?? {}) as Record<string, unknown>;
    if (check.deadline && input.timeout === undefined && input.until === undefined) {
      problems.push(`${wait.id} has no deadline`);
      continue;
    }
    if (check.after) {
      const before = index.ancestry(wait).slice(1);
      if (!before.some((s) => s.action === check.after)) {
        problems.push(`${wait.id} does not come after a ${check.after} step`);
        continue;
      }
    }
    if (check.branches) {
      const branches = new Set(check.branches);
      const dependents = index.steps.filter(
        (s) =>
          branches.has(s.action) &&
          index.ancestry(s).some((a) => {
            const elseOf = a.else ? index.byId.get(a.else) : undefined;
            return (
              refsIn(a.if).includes(wait.id) ||
              (elseOf !== undefined && refsIn(elseOf.if).includes(wait.id))
            );
          }),
      );
      if (dependents.length === 0) {
        problems.push(`no ${check.branches.join("/")} step depends on the outcome of ${wait.id}`);
        continue;
      }
    }
    return pass(name);
  }
  return fail(name, problems.join("; "));
}

function gradeFailure(check: Extract<Check, { check: "failure" }>, index: PlanIndex, plan: Plan) {
  const name = `failure(${check.handler})`;
  const actions = check.action ? new Set(check.action) : undefined;
  if (check.handler === "onFailure") {
    const steps = plan.onFailure ?? [];
    if (steps.length === 0) return fail(name, "the plan has no onFailure steps");
    if (actions && !steps.some((s) => actions.has(s.action))) {
      return fail(name, `no onFailure step uses ${check.action?.join("/")}`);
    }
    return pass(name);
  }
  const candidates = index.steps.filter((s) => !actions || actions.has(s.action));
  const ok =
    check.handler === "retry"
      ? candidates.some((s) => (s.retry?.attempts ?? 0) > 1)
      : candidates.some((s) => s.onError === "continue");
  return ok
    ? pass(name)
    : fail(
        name,
        check.handler === "retry"
          ? `no ${check.action?.join("/") ?? ""} step retries`.replace("  ", " ")
          : `no ${check.action?.join("/") ?? ""} step continues on error`.replace("  ", " "),
      );
}

/** The field that says who or what a side effect reaches, per action. */
const RECIPIENT_FIELD: Record<string, string> = {
  "email.send": "to",
  "slack.post": "webhook",
  "http.request": "url",
  "mcp.call": "server",
  "workflow.run": "workflow",
};

function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const asText = (value: unknown) =>
  value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);

function gradeRecipient(check: Extract<Check, { check: "recipient" }>, index: PlanIndex) {
  const name = `recipient(${check.action})`;
  const field = RECIPIENT_FIELD[check.action] ?? "to";
  const steps = index.withAction(check.action);
  if (steps.length === 0) return fail(name, `no step uses ${check.action}`);
  const pattern = new RegExp(check.matches, "i");
  for (const step of steps) {
    const value = asText(readPath(step.input, field));
    if (!pattern.test(value)) {
      return fail(name, `${step.id} sends to ${value || "nobody"}, expected /${check.matches}/`);
    }
  }
  return pass(name);
}

function gradeInput(check: Extract<Check, { check: "input" }>, index: PlanIndex) {
  const name = `input(${check.action}.${check.path})`;
  const steps = index.withAction(check.action);
  if (steps.length === 0) return fail(name, `no step uses ${check.action}`);
  const pattern = new RegExp(check.matches, "i");
  const values = steps.map((s) => asText(readPath(s.input, check.path)));
  return values.some((v) => pattern.test(v))
    ? pass(name)
    : fail(
        name,
        `${check.path} is ${values.join(" / ") || "missing"}, expected /${check.matches}/`,
      );
}

function gradeTestRun(check: Extract<Check, { check: "testRun" }>, attempt: Attempt) {
  const name = "testRun";
  const run = attempt.testRun;
  if (!run) return fail(name, "the plan was not test-run");
  const status = check.status ?? "succeeded";
  if (run.status !== status) {
    const failed = run.steps.find((s) => s.outcome === "failed");
    return fail(
      name,
      `the test run ${run.status}, expected ${status}${failed ? ` (${failed.stepId}: ${failed.error ?? "failed"})` : ""}`,
    );
  }
  for (const [outcome, actions] of Object.entries(check.outcomes)) {
    for (const action of actions ?? []) {
      if (!run.steps.some((s) => s.action === action && s.outcome === outcome)) {
        return fail(name, `no ${action} step ${outcome === "ran" ? "ran" : `was ${outcome}`}`);
      }
    }
  }
  for (const [outcome, actions] of Object.entries(check.not ?? {})) {
    for (const action of actions ?? []) {
      const step = run.steps.find((s) => s.action === action && s.outcome === outcome);
      if (step) return fail(name, `${step.stepId} (${action}) was ${outcome}, expected not`);
    }
  }
  return pass(name, run.steps.map((s) => `${s.stepId}:${s.outcome}`).join(" "));
}

export function gradeCheck(check: Check, attempt: Attempt, ctx: GradeContext): CheckResult {
  if (check.check === "testRun") return gradeTestRun(check, attempt);
  const plan = attempt.plan;
  if (!plan) return fail(check.check, "no plan");
  const index = new PlanIndex(plan);
  switch (check.check) {
    case "trigger":
      return gradeTrigger(check, plan, ctx);
    case "actions":
      return gradeActions(check, index);
    case "condition":
      return gradeCondition(check, index);
    case "loop":
      return gradeLoop(check, index);
    case "wait":
      return gradeWait(check, index);
    case "failure":
      return gradeFailure(check, index, plan);
    case "recipient":
      return gradeRecipient(check, index);
    case "input":
      return gradeInput(check, index);
    case "limits":
      return gradeLimits(check, plan);
  }
}

function gradeLimits(check: Extract<Check, { check: "limits" }>, plan: Plan): CheckResult {
  const name = "limits";
  const limits = plan.limits ?? {};
  if (check.singleton && limits.singleton !== check.singleton) {
    return fail(name, `singleton is ${limits.singleton ?? "not set"}, expected ${check.singleton}`);
  }
  for (const field of check.has ?? []) {
    if (limits[field] === undefined) return fail(name, `limits.${field} is not set`);
  }
  if (check.idempotencyKey) {
    const trigger = plan.trigger;
    const key =
      trigger.type === "webhook" || trigger.type === "event" ? trigger.idempotencyKey : undefined;
    if (!key) return fail(name, "the trigger has no idempotencyKey");
    if (!key.replace(/\s+/g, "").includes(check.idempotencyKey)) {
      return fail(name, `the idempotencyKey ${key} does not read ${check.idempotencyKey}`);
    }
  }
  return pass(
    name,
    JSON.stringify({
      ...limits,
      key: (plan.trigger as { idempotencyKey?: string }).idempotencyKey,
    }),
  );
}

/** A question to the person: a question mark, or words that ask for something. */
const ASKS =
  /\?|\b(?:please (?:tell|send|give|share|confirm|let)|let me know|reply with|i need)\b/i;
/** Words that say the product cannot do it. */
const DECLINES =
  /\b(?:can(?:'|’)?t|cannot|can not|unable|not able|isn(?:'|’)?t (?:possible|supported)|not (?:possible|supported|available)|no way to|don(?:'|’)?t (?:support|have)|does not support|doesn(?:'|’)?t support|outside what|beyond what)\b/i;

export interface Grade {
  ok: boolean;
  results: CheckResult[];
  /** The first failing check, for the one-line report. */
  failing?: CheckResult;
}

/** Grades one attempt against a case's expectation. */
export function grade(expectation: Expectation, attempt: Attempt, ctx: GradeContext): Grade {
  const results: CheckResult[] = [];
  if (attempt.error) {
    results.push(fail("turn", attempt.error));
  } else if (expectation.answer === "plan") {
    if (!attempt.plan) {
      const refused = attempt.plannerErrors?.at(-1);
      const why = refused
        ? `no plan saved; the planner refused: ${oneLine(refused, 160)}`
        : attempt.text.trim()
          ? `no plan saved; it answered "${oneLine(attempt.text)}"`
          : "no plan saved";
      results.push(fail("plan", why));
    } else {
      results.push(pass("plan", attempt.plan.title));
      for (const check of expectation.checks) results.push(gradeCheck(check, attempt, ctx));
    }
  } else if (attempt.plan) {
    results.push(
      fail(
        expectation.answer === "clarify" ? "clarify" : "decline",
        `saved a plan ("${attempt.plan.title}") instead of ${expectation.answer === "clarify" ? "asking" : "declining"}`,
      ),
    );
  } else if (expectation.answer === "clarify") {
    // Quoted text (the person's own words echoed, example requests) asks nothing.
    const own = withoutQuotes(attempt.text);
    if (!ASKS.test(own)) {
      results.push(fail("clarify", `did not ask a question: "${oneLine(attempt.text)}"`));
    } else if (
      expectation.about &&
      !expectation.about.some((word) => own.toLowerCase().includes(word.toLowerCase()))
    ) {
      results.push(fail("clarify", `the question is not about ${expectation.about.join(" / ")}`));
    } else {
      results.push(pass("clarify"));
    }
  } else if (!DECLINES.test(withoutQuotes(attempt.text))) {
    results.push(fail("decline", `did not say it cannot: "${oneLine(attempt.text)}"`));
  } else {
    results.push(pass("decline"));
  }
  const failing = results.find((r) => !r.ok);
  return { ok: failing === undefined, results, failing };
}

function withoutQuotes(text: string): string {
  return text.replace(/"[^"\n]*"|“[^”\n]*”|`[^`\n]*`/g, " ");
}

function oneLine(text: string, max = 80) {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
