// Cron schedules (croner): validation with readable reasons, next fire times, and plain
// words for common patterns. A one-shot trigger (`once`) fires at one instant: the same
// functions answer it, so the schedule tick starts it like a cron fire time.
import { Cron } from "croner";
import type { OnceTrigger, Trigger } from "./schema";
import { zonedTimeToInstant } from "./timezone";

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant a one-shot trigger fires: `at` as a local date and time in its zone (DST-correct),
 * or an instant with its offset; undefined when `at` is neither.
 */
export function onceInstant(trigger: Pick<OnceTrigger, "at" | "timezone">): Date | undefined {
  const at = trigger.at.trim();
  if (INSTANT.test(at)) {
    const ms = Date.parse(at);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const match = LOCAL_DATE_TIME.exec(at);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  // Round-trip the calendar: 2026-02-30 is not a day.
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  try {
    return new Date(
      zonedTimeToInstant({ year, month, day, hour, minute, second }, trigger.timezone),
    );
  } catch {
    return undefined;
  }
}

/** Why a one-shot trigger's `at` is unacceptable, or undefined when it reads. */
export function onceProblem(at: string): string | undefined {
  const trimmed = at.trim();
  if (!LOCAL_DATE_TIME.test(trimmed) && !INSTANT.test(trimmed)) {
    return `"${at}" is not a date and time; write the local time in the trigger's zone as "2026-03-03T09:00" (or an instant with its offset, "2026-03-03T08:00:00Z")`;
  }
  if (!onceInstant({ at: trimmed, timezone: "UTC" })) return `"${at}" is not a real date and time`;
  return undefined;
}

/** The one-shot instant of a trigger, when it is a valid `once` trigger. */
function onceOf(trigger: Trigger): Date | undefined {
  if (trigger.type !== "once") return undefined;
  try {
    return onceInstant(trigger);
  } catch {
    return undefined;
  }
}

const within = (at: Date | undefined, from: Date, to: Date) =>
  at !== undefined && at.getTime() > from.getTime() && at.getTime() <= to.getTime();

const NICKNAMES = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

function cronFor(cron: string, timezone: string): Cron {
  return new Cron(cron, {
    timezone,
    paused: true,
    mode: NICKNAMES.includes(cron.trim()) ? "auto" : "5-part",
  });
}

/** Why a cron expression is unacceptable, or undefined when it is fine. */
export function cronProblem(cron: string): string | undefined {
  const trimmed = cron.trim();
  if (trimmed === "") return "the cron expression is empty";
  if (!NICKNAMES.includes(trimmed)) {
    const fields = trimmed.split(/\s+/).length;
    if (fields !== 5) {
      return `"${cron}" has ${fields} field${fields === 1 ? "" : "s"}; use 5: minute hour day-of-month month day-of-week (e.g. "30 7 * * 1-5")`;
    }
  }
  try {
    const job = cronFor(trimmed, "UTC");
    if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `"${cron}" never fires`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `"${cron}" is not a valid cron expression: ${reason.replace(/^CronPattern: /, "")}`;
  }
  return undefined;
}

/** The next `count` fire times of a schedule trigger strictly after `from`. */
export function nextFireTimes(trigger: Trigger, count: number, from: Date = new Date()): Date[] {
  if (trigger.type === "once") {
    const at = onceOf(trigger);
    return at && count > 0 && at.getTime() > from.getTime() ? [at] : [];
  }
  if (trigger.type !== "schedule" || count <= 0) return [];
  if (cronProblem(trigger.cron)) return [];
  try {
    return cronFor(trigger.cron.trim(), trigger.timezone).nextRuns(count, from);
  } catch {
    return [];
  }
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

function describeWeekdays(field: string): string | undefined {
  if (field === "*") return "Every day";
  if (field === "1-5" || field.toUpperCase() === "MON-FRI") return "Every weekday";
  if (field === "0,6" || field === "6,0" || field.toUpperCase() === "SAT,SUN")
    return "Every weekend day";
  const names = field.split(",").map((part) => {
    const n = Number(part);
    return Number.isInteger(n) && n >= 0 && n <= 7 ? DAY_NAMES[n % 7] : undefined;
  });
  if (names.every((name) => name !== undefined)) {
    return `Every ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}`;
  }
  return undefined;
}

/**
 * Plain words for a cron expression when it is a common shape ("Every weekday at 07:30"),
 * else `Cron "<expr>"`.
 */
export function describeCron(cron: string): string {
  const trimmed = cron.trim();
  const nick: Record<string, string> = {
    "@yearly": "Every year on 1 January at 00:00",
    "@annually": "Every year on 1 January at 00:00",
    "@monthly": "On the 1st of every month at 00:00",
    "@weekly": "Every Sunday at 00:00",
    "@daily": "Every day at 00:00",
    "@midnight": "Every day at 00:00",
    "@hourly": "Every hour, on the hour",
  };
  if (nick[trimmed]) return nick[trimmed];
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `Cron "${trimmed}"`;
  const [minute, hour, dom, month, dow] = fields;
  const m = Number(minute);
  const h = Number(hour);
  const fixedTime = /^\d+$/.test(minute) && /^\d+$/.test(hour);
  if (fixedTime && month === "*") {
    const at = `at ${pad(h)}:${pad(m)}`;
    if (dom === "*") {
      const days = describeWeekdays(dow);
      if (days) return `${days} ${at}`;
    } else if (/^\d+$/.test(dom) && dow === "*") {
      return `On day ${dom} of every month ${at}`;
    }
  }
  if (/^\d+$/.test(minute) && hour === "*" && dom === "*" && month === "*" && dow === "*") {
    return m === 0 ? "Every hour, on the hour" : `Every hour at minute ${m}`;
  }
  const every = /^\*\/(\d+)$/.exec(minute);
  if (every && hour === "*" && dom === "*" && month === "*" && dow === "*") {
    return `Every ${every[1]} minutes`;
  }
  if (minute === "*" && hour === "*" && dom === "*" && month === "*" && dow === "*")
    return "Every minute";
  return `Cron "${trimmed}"`;
}

/** The latest fire time of a schedule trigger in (from, to], if any. */
export function lastFireTimeIn(trigger: Trigger, from: Date, to: Date): Date | undefined {
  if (trigger.type === "once") {
    const at = onceOf(trigger);
    return within(at, from, to) ? at : undefined;
  }
  if (trigger.type !== "schedule" || cronProblem(trigger.cron)) return undefined;
  try {
    // previousRuns counts a run in the reference's own second; fire times are whole minutes.
    const [last] = cronFor(trigger.cron.trim(), trigger.timezone).previousRuns(
      1,
      new Date(to.getTime() + 1),
    );
    return last && last.getTime() > from.getTime() && last.getTime() <= to.getTime()
      ? last
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The latest `max` fire times of a schedule trigger in (from, to], oldest first: what a paused
 * workflow missed, for a back-fill the person asked for.
 */
export function lastFireTimesIn(trigger: Trigger, from: Date, to: Date, max: number): Date[] {
  if (trigger.type === "once") {
    const at = onceOf(trigger);
    return at && max > 0 && within(at, from, to) ? [at] : [];
  }
  if (trigger.type !== "schedule" || cronProblem(trigger.cron) || max <= 0) return [];
  try {
    return cronFor(trigger.cron.trim(), trigger.timezone)
      .previousRuns(max, new Date(to.getTime() + 1))
      .filter((at) => at.getTime() > from.getTime() && at.getTime() <= to.getTime())
      .reverse();
  } catch {
    return [];
  }
}
