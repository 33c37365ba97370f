// Days in a given zone, as the workflow pages filter and chart them (instants read with
// lib/format/time.ts). Browser-safe.
import { zonedTimeToInstant } from "@/lib/plan/timezone";

/** "1 Dec" for a `YYYY-MM-DD` day. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    day: "numeric",
    month: "short",
  }).format(new Date(Date.UTC(year, month - 1, date)));
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant a local day starts in `timeZone` (`dayOffset` days later), as ISO, or undefined
 * when `day` is not `YYYY-MM-DD`. A date range's `to` day is inclusive: pass 1 for its end.
 */
export function startOfDayIn(day: string, timeZone: string, dayOffset = 0): string | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const at = new Date(
    Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + dayOffset),
  );
  if (Number.isNaN(at.getTime())) return undefined;
  const instant = zonedTimeToInstant(
    {
      year: at.getUTCFullYear(),
      month: at.getUTCMonth() + 1,
      day: at.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
  return new Date(instant).toISOString();
}
