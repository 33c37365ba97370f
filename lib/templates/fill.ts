// Filling in a template: each given value is checked for its kind and written where the
// template says, a schedule takes the person's time zone, and what is still missing is listed.
// Pure: the chat tool, the demo model and the tests all use it.
import type { Plan } from "@/lib/plan/schema";
import { isValidTimeZone } from "@/lib/plan/timezone";
import type { TemplateInput, TemplateInputKind, WorkflowTemplate } from "./types";

export interface FillIssue {
  key: string;
  message: string;
}

export interface FillResult {
  /** The template's plan with the given values written in (a new object). */
  plan: Plan;
  /** Keys whose values were written. */
  filled: string[];
  /** Required inputs with no value yet (secrets are never "missing": see `secrets`). */
  missing: TemplateInput[];
  /** Secrets the plan reads; the person adds them under Settings. */
  secrets: string[];
  /** Values that were given but refused, with why. */
  issues: FillIssue[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@{}"<>,;]+@[^\s@{}"<>,;]+\.[^\s@{}"<>,;]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\/[A-Za-z0-9_.-]{1,100}$/;

/** A local time of day ("7", "7:30", "07.30", "7am", "7:30 pm", "19:00") as hours and minutes. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } | undefined {
  const match = /^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?\s*$/i.exec(text);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const meridiem = match[3]?.toLowerCase().replace(/\./g, "");
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    if (meridiem === "pm" && hour < 12) hour += 12;
    if (meridiem === "am" && hour === 12) hour = 0;
  }
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

export const formatTimeOfDay = ({ hour, minute }: { hour: number; minute: number }) =>
  `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;

/** The value as the plan will hold it, or why it is refused. */
export function checkValue(
  kind: TemplateInputKind,
  raw: unknown,
): { ok: true; value: string | number } | { ok: false; message: string } {
  if (kind === "number") {
    const value = typeof raw === "number" ? raw : Number(String(raw).trim());
    return Number.isFinite(value) && String(raw).trim() !== ""
      ? { ok: true, value }
      : { ok: false, message: "must be a number" };
  }
  if (typeof raw !== "string" && typeof raw !== "number") {
    return { ok: false, message: "must be text" };
  }
  const text = String(raw).trim();
  if (text === "") return { ok: false, message: "is empty" };
  // A value is data: it must not become an expression in the plan.
  if (text.includes("{{") || text.includes("}}")) {
    return { ok: false, message: "must not contain {{ or }}" };
  }
  switch (kind) {
    case "url": {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return { ok: false, message: "must be a full URL starting with https://" };
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        return { ok: false, message: "must be an http(s) URL" };
      }
      return text.length <= 2000
        ? { ok: true, value: text }
        : { ok: false, message: "is too long" };
    }
    case "email":
      return EMAIL.test(text) && text.length <= 254
        ? { ok: true, value: text }
        : { ok: false, message: "must be one email address" };
    case "uuid":
      return UUID.test(text)
        ? { ok: true, value: text.toLowerCase() }
        : { ok: false, message: "must be a workflow id (a UUID)" };
    case "time": {
      const time = parseTimeOfDay(text);
      return time
        ? { ok: true, value: formatTimeOfDay(time) }
        : { ok: false, message: 'must be a time of day like "7:30" or "8am"' };
    }
    case "name":
      return NAME.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: "must be a name of letters, digits, _ . or -" };
    case "repo":
      return REPO.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: 'must be a repository as "owner/name"' };
    case "text":
      return text.length <= 500 && !/[\r\n]/.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: "must be one line of at most 500 characters" };
    case "secret":
      return { ok: false, message: "is a secret: add it under Settings, never in the chat" };
  }
}

/** The object and key a dotted template path points at (`steps.<id>.…` names a step by id). */
function locate(plan: Json, path: string): { parent: Json; key: string } | undefined {
  const parts = path.split(".");
  let node: unknown = plan;
  let index = 0;
  if (parts[0] === "steps" || parts[0] === "onFailure") {
    const list = plan[parts[0]];
    node = Array.isArray(list) ? list.find((s) => isObject(s) && s.id === parts[1]) : undefined;
    index = 2;
  }
  for (; index < parts.length - 1; index++) {
    if (!isObject(node)) return undefined;
    node = node[parts[index]];
  }
  return isObject(node) ? { parent: node, key: parts[parts.length - 1] } : undefined;
}

/** The value a template path holds as written. */
export function valueAt(plan: unknown, path: string): unknown {
  if (!isObject(plan)) return undefined;
  const spot = locate(plan, path);
  return spot?.parent[spot.key];
}

/** What the template holds for an input as written: its example value. */
export function exampleOf(template: WorkflowTemplate, input: TemplateInput): string | undefined {
  if (input.kind === "secret") return undefined;
  if (input.replace) return input.replace;
  const value = valueAt(template.plan, input.at[0] ?? "");
  if (input.kind === "time" && typeof value === "string" && input.at[0]?.endsWith("cron")) {
    const [minute, hour] = value.split(/\s+/);
    return formatTimeOfDay({ hour: Number(hour), minute: Number(minute) });
  }
  return value === undefined ? undefined : String(value);
}

function write(plan: Json, input: TemplateInput, value: string | number) {
  for (const path of input.at) {
    const spot = locate(plan, path);
    if (!spot) throw new Error(`template input ${input.key}: no value at ${path}`);
    const current = spot.parent[spot.key];
    if (input.kind === "time" && path.endsWith("cron") && typeof current === "string") {
      const time = parseTimeOfDay(String(value));
      const fields = current.split(/\s+/);
      if (time && fields.length === 5) {
        const before = `${Number(fields[1])}:${fields[0].padStart(2, "0")}`;
        fields[0] = String(time.minute);
        fields[1] = String(time.hour);
        spot.parent[spot.key] = fields.join(" ");
        // The summary says the time in words ("Every weekday at 7:30, …"): keep it true.
        if (typeof plan.summary === "string") {
          const after = `${time.hour}:${String(time.minute).padStart(2, "0")}`;
          plan.summary = plan.summary.split(before).join(after);
        }
      }
    } else if (input.replace && typeof current === "string") {
      spot.parent[spot.key] = current.split(input.replace).join(String(value));
    } else {
      spot.parent[spot.key] = value;
    }
  }
}

/**
 * The template's plan with `values` written in. A value that does not fit its input is left out
 * and reported; a schedule takes `timezone` when it is a real zone.
 */
export function fillTemplate(
  template: WorkflowTemplate,
  values: Record<string, unknown> = {},
  options: { timezone?: string } = {},
): FillResult {
  const plan = structuredClone(template.plan) as unknown as Json;
  const filled: string[] = [];
  const issues: FillIssue[] = [];
  const known = new Set(template.inputs.map((input) => input.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) {
      issues.push({ key, message: `is not an input of the template "${template.id}"` });
    }
  }
  for (const input of template.inputs) {
    const raw = values[input.key];
    if (raw === undefined || raw === null || raw === "" || input.kind === "secret") continue;
    const checked = checkValue(input.kind, raw);
    if (!checked.ok) {
      issues.push({ key: input.key, message: `${input.label} ${checked.message}` });
      continue;
    }
    write(plan, input, checked.value);
    filled.push(input.key);
  }
  const trigger = plan.trigger;
  if (
    options.timezone &&
    isValidTimeZone(options.timezone) &&
    isObject(trigger) &&
    trigger.type === "schedule"
  ) {
    trigger.timezone = options.timezone;
  }
  return {
    plan: plan as unknown as Plan,
    filled,
    missing: template.inputs.filter(
      (input) => input.required && input.kind !== "secret" && !filled.includes(input.key),
    ),
    secrets: template.inputs.flatMap((input) =>
      input.kind === "secret" && input.secret ? [input.secret] : [],
    ),
    issues,
  };
}
