// IANA time-zone arithmetic on top of Intl.DateTimeFormat: wall-clock parts of an instant,
// and the instant of a wall-clock time, DST-correct. No dependency beyond the platform's ICU.

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ZonedParts extends WallTime {
  /** 0 = Sunday … 6 = Saturday, as in cron. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a time zone the platform knows by its IANA name ("Europe/Berlin", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.trim() === "") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(instantMs: number, timeZone: string): ZonedParts {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((part) => part.type === type)?.value ?? "";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: WEEKDAYS.indexOf(get("weekday")),
  };
}

/** Offset of a zone from UTC at an instant, in milliseconds (Berlin in summer: +7_200_000). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const p = zonedParts(instantMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSeconds = Math.floor(instantMs / 1000) * 1000;
  return asUtc - wholeSeconds;
}

function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * The instant at which a zone's clocks show `wall`. Like Temporal's "compatible"
 * disambiguation: a time that happens twice (clocks going back) resolves to the earlier
 * instant; a time skipped by clocks going forward resolves to the same distance after the gap
 * (02:30 on a spring-forward night in Berlin becomes 03:30 local).
 */
export function zonedTimeToInstant(wall: WallTime, timeZone: string): number {
  const local = wallMs(wall);
  const day = 86_400_000;
  const before = zoneOffsetMs(local - day, timeZone);
  const after = zoneOffsetMs(local + day, timeZone);
  const candidates = [...new Set([local - before, local - after])].sort((a, b) => a - b);
  const exact = candidates.filter((candidate) => {
    const p = zonedParts(candidate, timeZone);
    return wallMs(p) === local;
  });
  if (exact.length > 0) return exact[0];
  // In a gap: interpret with the offset in force before the transition.
  return local - before;
}

/** Calendar arithmetic on a date (no time zone involved). */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** Parses "HH:MM" or "HH:MM:SS" (24-hour clock); undefined when malformed. */
export function parseTimeOfDay(
  text: string,
): { hour: number; minute: number; second: number } | undefined {
  const match = TIME_OF_DAY.exec(text.trim());
  if (!match) return undefined;
  return { hour: Number(match[1]), minute: Number(match[2]), second: Number(match[3] ?? 0) };
}

/**
 * The instant of a local time of day in a zone, on the local date of `nowMs` shifted by
 * `dayOffset` days. "08:00" at 07:30 Berlin time is 08:00 the same day, even if that is
 * already past at evaluation time (callers decide what a past instant means).
 */
export function localTimeToInstant(
  timeOfDay: string,
  timeZone: string,
  nowMs: number,
  dayOffset = 0,
): number {
  const time = parseTimeOfDay(timeOfDay);
  if (!time) throw new Error(`"${timeOfDay}" is not a time of day like "08:30"`);
  const today = zonedParts(nowMs, timeZone);
  const date = addDays(today, dayOffset);
  return zonedTimeToInstant({ ...date, ...time }, timeZone);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** "2026-03-29" for the local date of an instant in a zone. */
export function localDateString(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** "08:30" for the local time of an instant in a zone. */
export function localTimeString(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** "2026-03-29T08:30:00+02:00": local wall time with its offset, for people and models. */
export function localIsoString(instantMs: number, timeZone: string): string {
  const p = zonedParts(instantMs, timeZone);
  const offsetMinutes = Math.round(zoneOffsetMs(instantMs, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
