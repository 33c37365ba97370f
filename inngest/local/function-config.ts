// Turns the SDK's function config (InngestFunction.getConfig) into what the executor acts
// on, refusing every option it does not implement: silently ignoring a throttle or a batch
// would run the function differently from what its author declared.
import { Cron } from "croner";
import { checkExpression } from "./expressions";
import type { CancelOn, Concurrency, FlowControl, FunctionDef } from "./interfaces";
import { parseDuration } from "./protocol/durations";

const SUPPORTED_KEYS = new Set([
  "id",
  "name",
  "triggers",
  "steps",
  "concurrency",
  "cancel",
  "idempotency",
  "rateLimit",
  "throttle",
  "debounce",
  "singleton",
  "priority",
  "timeouts",
  "batchEvents",
]);

const UNSUPPORTED: Record<string, string> = {};

export class UnsupportedConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The embedded executor cannot run these functions as declared:\n${problems
        .map((p) => `  - ${p}`)
        .join(
          "\n",
        )}\nRemove the option, or run the app on the Inngest Dev Server or Inngest Cloud.`,
    );
    this.name = "UnsupportedConfigError";
  }
}

type RawConfig = Record<string, unknown> & {
  id: string;
  name?: string;
  triggers?: ({ event: string; expression?: string } | { cron: string; jitter?: string })[];
  steps?: Record<string, { runtime?: { url?: string }; retries?: { attempts?: number } }>;
  concurrency?: number | RawConcurrency | RawConcurrency[];
  cancel?: CancelOn[];
  idempotency?: string;
  batchEvents?: { maxSize: number; timeout: string; key?: string; if?: string };
  rateLimit?: { limit: number; period: string; key?: string };
  throttle?: { limit: number; period: string; burst?: number; key?: string };
  debounce?: { period: string; timeout?: string; key?: string };
  singleton?: { mode: string; key?: string };
  priority?: { run?: string };
  timeouts?: { start?: string; finish?: string };
};

type RawConcurrency = { limit: number; key?: string; scope?: string };

function cronTimezone(cron: string): { pattern: string; timezone?: string } {
  const m = /^(?:TZ|CRON_TZ)=(\S+)\s+(.*)$/.exec(cron.trim());
  return m ? { pattern: m[2], timezone: m[1] } : { pattern: cron.trim() };
}

/** When a cron tick due at `at` fires: a random delay up to its jitter, if it has one. */
export function withJitter(at: Date, jitterMs: number | undefined): number {
  return at.getTime() + (jitterMs ? Math.floor(Math.random() * jitterMs) : 0);
}

/** The next fire time of an Inngest cron string (with an optional `TZ=` prefix). */
export function nextCronRun(cron: string, after = new Date()): Date | null {
  const { pattern, timezone } = cronTimezone(cron);
  return new Cron(pattern, { timezone, paused: true }).nextRun(after);
}

export function parseFunctionConfig(
  raw: RawConfig,
  appId: string,
  problems: string[],
): FunctionDef | undefined {
  const where = `function "${raw.id}"`;
  const before = problems.length;
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined || raw[key] === null) continue;
    if (SUPPORTED_KEYS.has(key)) continue;
    problems.push(`${where}: ${UNSUPPORTED[key] ?? `the "${key}" option`} is not supported`);
  }
  const step = raw.steps?.step ?? Object.values(raw.steps ?? {})[0];
  const url = step?.runtime?.url;
  if (!url) problems.push(`${where}: no step URL in its config`);

  const eventTriggers: FunctionDef["eventTriggers"] = [];
  const cronTriggers: FunctionDef["cronTriggers"] = [];
  for (const trigger of raw.triggers ?? []) {
    if ("event" in trigger) {
      if (trigger.expression) {
        try {
          checkExpression(trigger.expression);
        } catch (error) {
          problems.push(`${where}: invalid trigger expression: ${(error as Error).message}`);
        }
      }
      eventTriggers.push({ event: trigger.event, expression: trigger.expression });
    } else if ("cron" in trigger) {
      const jitterMs = duration(trigger.jitter, "cron jitter", where, problems);
      try {
        nextCronRun(trigger.cron);
      } catch (error) {
        problems.push(`${where}: invalid cron "${trigger.cron}": ${(error as Error).message}`);
      }
      cronTriggers.push(jitterMs ? { cron: trigger.cron, jitterMs } : { cron: trigger.cron });
    }
  }

  const expression = (what: string, value: string | undefined) => {
    if (value === undefined) return;
    try {
      checkExpression(value);
    } catch (error) {
      problems.push(`${where}: invalid ${what}: ${(error as Error).message}`);
    }
  };
  const concurrency = parseConcurrency(raw.concurrency, where, problems, expression);
  const flow = parseFlowControl(raw, where, problems, expression);

  const cancel: CancelOn[] = [];
  for (const c of raw.cancel ?? []) {
    if (c.if) {
      try {
        checkExpression(c.if);
      } catch (error) {
        problems.push(`${where}: invalid cancelOn expression: ${(error as Error).message}`);
      }
    }
    cancel.push({ event: c.event, if: c.if, timeout: c.timeout });
  }

  if (problems.length > before || !url) return undefined;
  const retries = step?.retries?.attempts;
  return {
    id: raw.id,
    appId,
    name: raw.name ?? raw.id,
    url,
    eventTriggers,
    cronTriggers,
    // retries.attempts counts retries; the SDK wants attempts in total (max_attempts).
    maxAttempts: (typeof retries === "number" ? retries : 3) + 1,
    concurrency,
    cancel,
    flow,
    config: raw,
  };
}

type CheckExpression = (what: string, value: string | undefined) => void;

function parseConcurrency(
  raw: RawConfig["concurrency"],
  where: string,
  problems: string[],
  expression: CheckExpression,
): Concurrency[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [typeof raw === "number" ? { limit: raw } : raw];
  if (list.length > 2) {
    problems.push(`${where}: at most two concurrency limits are allowed (got ${list.length})`);
  }
  const limits: Concurrency[] = [];
  for (const c of list) {
    const scope = c.scope ?? "fn";
    if (scope !== "fn" && scope !== "env" && scope !== "account") {
      problems.push(`${where}: unknown concurrency scope "${scope}"`);
      continue;
    }
    if (scope !== "fn" && !c.key) {
      problems.push(`${where}: a concurrency limit with scope "${scope}" needs a key`);
      continue;
    }
    expression("concurrency key", c.key);
    // A limit of 0 (or none) is no limit, as in Inngest.
    if (c.limit > 0) limits.push({ limit: c.limit, key: c.key, scope });
  }
  return limits;
}

/** A positive duration ("10s", "1h30m"), or a problem recorded. */
function duration(
  value: string | undefined,
  what: string,
  where: string,
  problems: string[],
): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value));
  if (ms === undefined || ms <= 0) {
    problems.push(`${where}: ${what} "${value}" is not a duration`);
    return undefined;
  }
  return ms;
}

function positiveInteger(value: unknown, what: string, where: string, problems: string[]) {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  problems.push(`${where}: ${what} must be a positive integer (got ${JSON.stringify(value)})`);
  return undefined;
}

function parseFlowControl(
  raw: RawConfig,
  where: string,
  problems: string[],
  expression: CheckExpression,
): FlowControl | undefined {
  const flow: FlowControl = {};
  if (raw.idempotency) {
    expression("idempotency key", raw.idempotency);
    flow.idempotency = raw.idempotency;
  }
  if (raw.rateLimit) {
    const { limit, period, key } = raw.rateLimit;
    expression("rateLimit key", key);
    const periodMs = duration(period, "rateLimit period", where, problems);
    const n = positiveInteger(limit, "rateLimit limit", where, problems);
    if (periodMs && n) flow.rateLimit = { limit: n, periodMs, key };
  }
  if (raw.throttle) {
    const { limit, period, burst, key } = raw.throttle;
    expression("throttle key", key);
    const periodMs = duration(period, "throttle period", where, problems);
    const n = positiveInteger(limit, "throttle limit", where, problems);
    const extra = burst === undefined ? 1 : burst;
    if (!Number.isInteger(extra) || extra < 0) {
      problems.push(`${where}: throttle burst must be a whole number (got ${burst})`);
    } else if (periodMs && n) flow.throttle = { limit: n, periodMs, burst: extra, key };
  }
  if (raw.batchEvents) {
    const { maxSize, timeout, key } = raw.batchEvents;
    expression("batchEvents key", key);
    expression("batchEvents if", raw.batchEvents.if);
    const timeoutMs = duration(timeout, "batchEvents timeout", where, problems);
    const size = positiveInteger(maxSize, "batchEvents maxSize", where, problems);
    if (raw.debounce) problems.push(`${where}: batchEvents cannot be combined with debounce`);
    else if (timeoutMs && size) {
      flow.batch = { maxSize: size, timeoutMs, key, if: raw.batchEvents.if };
    }
  }
  if (raw.debounce) {
    const { period, timeout, key } = raw.debounce;
    expression("debounce key", key);
    const periodMs = duration(period, "debounce period", where, problems);
    const timeoutMs = duration(timeout, "debounce timeout", where, problems);
    if (periodMs) flow.debounce = { periodMs, timeoutMs, key };
  }
  if (raw.singleton) {
    const { mode, key } = raw.singleton;
    expression("singleton key", key);
    if (mode !== "skip" && mode !== "cancel") {
      problems.push(`${where}: singleton mode must be "skip" or "cancel" (got "${mode}")`);
    } else flow.singleton = { mode, key };
  }
  if (raw.priority?.run) {
    expression("priority expression", raw.priority.run);
    flow.priority = raw.priority.run;
  }
  if (raw.timeouts) {
    const startMs = duration(raw.timeouts.start, "timeouts.start", where, problems);
    const finishMs = duration(raw.timeouts.finish, "timeouts.finish", where, problems);
    if (startMs || finishMs) flow.timeouts = { startMs, finishMs };
  }
  return Object.keys(flow).length ? flow : undefined;
}

export function parseAppFunctions(appId: string, functions: RawConfig[]): FunctionDef[] {
  const problems: string[] = [];
  const defs = functions
    .map((fn) => parseFunctionConfig(fn, appId, problems))
    .filter((fn): fn is FunctionDef => !!fn);
  if (problems.length) throw new UnsupportedConfigError(problems);
  return defs;
}
