// Date functions bound into every expression, fixed to the plan's IANA time zone and to the
// run's logical `now`. JSONata's own date functions take fixed UTC offsets only, so anything
// that must survive a DST change goes through these.
import { parseDuration } from "./duration";
import {
  addDays,
  localDateString,
  localIsoString,
  localTimeString,
  localTimeToInstant,
  zonedParts,
  zonedTimeToInstant,
} from "./timezone";

export interface DateHelperEnv {
  /** The run's logical time, epoch milliseconds. */
  nowMs: number;
  timeZone: string;
}

/** Names and one-line docs, used by the catalog prompt and by validation hints. */
export const DATE_HELPER_DOCS: Record<string, string> = {
  localDate: '$localDate([instant]) → local date "YYYY-MM-DD" (default: now)',
  localTime: '$localTime([instant]) → local time "HH:MM" (default: now)',
  localDateTime: '$localDateTime([instant]) → local ISO with offset, "2026-03-30T08:00:00+02:00"',
  weekday: '$weekday([instant]) → "Monday" … "Sunday" in the plan\'s zone',
  atLocalTime:
    '$atLocalTime("HH:MM"[, dayOffset]) → the instant of that local time today (or dayOffset days later)',
  startOfLocalDay: "$startOfLocalDay([instant][, dayOffset]) → instant of local midnight",
  addDuration: '$addDuration(instant, "1h") → instant plus a duration ("-15m" subtracts)',
  withinNext: '$withinNext(instant, "1h") → true when now ≤ instant < now + duration',
  minutesUntil: "$minutesUntil(instant) → whole minutes from now to instant (negative if past)",
};

const WEEKDAY_NAMES = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
];

function toMs(value: unknown, fn: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`$${fn}: ${JSON.stringify(value)} is not an ISO date-time or epoch milliseconds`);
}

function durationMs(value: unknown, fn: string): number {
  if (typeof value === "string") {
    const negative = value.trim().startsWith("-");
    const ms = parseDuration(negative ? value.trim().slice(1) : value);
    if (ms !== undefined) return negative ? -ms : ms;
  }
  throw new Error(`$${fn}: ${JSON.stringify(value)} is not a duration like "30m" or "-1h"`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The helper functions, ready to pass as JSONata bindings. */
export function dateHelpers(env: DateHelperEnv): Record<string, (...args: unknown[]) => unknown> {
  const { nowMs, timeZone } = env;
  const at = (value: unknown, fn: string) => (value === undefined ? nowMs : toMs(value, fn));
  return {
    localDate: (instant) => localDateString(at(instant, "localDate"), timeZone),
    localTime: (instant) => localTimeString(at(instant, "localTime"), timeZone),
    localDateTime: (instant) => localIsoString(at(instant, "localDateTime"), timeZone),
    weekday: (instant) => WEEKDAY_NAMES[zonedParts(at(instant, "weekday"), timeZone).weekday],
    atLocalTime: (time, dayOffset) => {
      if (typeof time !== "string") throw new Error('$atLocalTime: expects a time like "08:30"');
      const offset = dayOffset === undefined ? 0 : Number(dayOffset);
      if (!Number.isInteger(offset))
        throw new Error("$atLocalTime: dayOffset must be a whole number");
      return iso(localTimeToInstant(time, timeZone, nowMs, offset));
    },
    startOfLocalDay: (instant, dayOffset) => {
      const offset = dayOffset === undefined ? 0 : Number(dayOffset);
      const date = addDays(zonedParts(at(instant, "startOfLocalDay"), timeZone), offset);
      return iso(zonedTimeToInstant({ ...date, hour: 0, minute: 0, second: 0 }, timeZone));
    },
    addDuration: (instant, duration) =>
      iso(toMs(instant, "addDuration") + durationMs(duration, "addDuration")),
    withinNext: (instant, duration) => {
      const t = toMs(instant, "withinNext");
      return t >= nowMs && t < nowMs + durationMs(duration, "withinNext");
    },
    minutesUntil: (instant) => Math.floor((toMs(instant, "minutesUntil") - nowMs) / 60_000),
  };
}
