// Cron schedules (croner): validation with readable reasons, next fire times, and plain
// words for common patterns.
import { Cron } from "croner";
import type { Trigger } from "./schema";

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
