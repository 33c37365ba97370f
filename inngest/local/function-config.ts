// Turns the SDK's function config (InngestFunction.getConfig) into what the executor acts
// on, refusing every option it does not implement: silently ignoring a throttle or a batch
// would run the function differently from what its author declared.
import { Cron } from "croner";
import { checkExpression } from "./expressions";
import type { CancelOn, Concurrency, FunctionDef } from "./interfaces";

const SUPPORTED_KEYS = new Set(["id", "name", "triggers", "steps", "concurrency", "cancel"]);

const UNSUPPORTED: Record<string, string> = {
  batchEvents: "event batching (batchEvents)",
  debounce: "debounce",
  throttle: "throttle",
  rateLimit: "rate limiting (rateLimit)",
  singleton: "singleton",
  priority: "priority",
  idempotency: "idempotency",
  timeouts: "timeouts",
};

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
  concurrency?: number | Concurrency | (Concurrency & { scope?: string })[];
  cancel?: CancelOn[];
};

function cronTimezone(cron: string): { pattern: string; timezone?: string } {
  const m = /^(?:TZ|CRON_TZ)=(\S+)\s+(.*)$/.exec(cron.trim());
  return m ? { pattern: m[2], timezone: m[1] } : { pattern: cron.trim() };
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
      if (trigger.jitter) problems.push(`${where}: cron jitter is not supported`);
      try {
        nextCronRun(trigger.cron);
      } catch (error) {
        problems.push(`${where}: invalid cron "${trigger.cron}": ${(error as Error).message}`);
      }
      cronTriggers.push({ cron: trigger.cron });
    }
  }

  let concurrency: Concurrency | undefined;
  const rawConcurrency = raw.concurrency;
  if (rawConcurrency !== undefined && rawConcurrency !== null) {
    const list = Array.isArray(rawConcurrency)
      ? rawConcurrency
      : [typeof rawConcurrency === "number" ? { limit: rawConcurrency } : rawConcurrency];
    if (list.length > 1) {
      problems.push(`${where}: only one concurrency limit is supported (got ${list.length})`);
    }
    const first = list[0] as Concurrency & { scope?: string };
    if (first?.scope && first.scope !== "fn") {
      problems.push(`${where}: concurrency scope "${first.scope}" is not supported (only "fn")`);
    }
    if (first?.key) {
      try {
        checkExpression(first.key);
      } catch (error) {
        problems.push(`${where}: invalid concurrency key: ${(error as Error).message}`);
      }
    }
    if (first && first.limit > 0) concurrency = { limit: first.limit, key: first.key };
  }

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
    config: raw,
  };
}

export function parseAppFunctions(appId: string, functions: RawConfig[]): FunctionDef[] {
  const problems: string[] = [];
  const defs = functions
    .map((fn) => parseFunctionConfig(fn, appId, problems))
    .filter((fn): fn is FunctionDef => !!fn);
  if (problems.length) throw new UnsupportedConfigError(problems);
  return defs;
}
