// The pure parts of the run history and metrics: the time window of a metrics request, the
// person's days inside it, how a run's stored trigger reads, and the history's opaque cursor.
import type { DayCount, MetricsWindow, RunTriggerKind } from "@/lib/workflows/history-types";

const HOUR_MS = 3_600_000;
const WINDOW_HOURS: Record<MetricsWindow, number> = { "24h": 24, "7d": 24 * 7, "30d": 24 * 30 };

/**
 * A window is whole UTC hours: from the hour holding `now − window` through the current hour,
 * what the hourly rollups answer exactly. "24h" at 10:20 covers 10:00 yesterday to 11:00
 * today: the last 24 hours and never less.
 */
export function windowBounds(window: MetricsWindow, now: Date): { from: Date; to: Date } {
  const hour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
  return {
    from: new Date(hour(now.getTime() - WINDOW_HOURS[window] * HOUR_MS)),
    to: new Date(hour(now.getTime()) + HOUR_MS),
  };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormatIn(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** `YYYY-MM-DD` of an instant in the zone. */
export function dayIn(at: Date, timeZone: string): string {
  return dayFormatIn(timeZone).format(at);
}

/** Every day of the zone that the window [from, to) touches, oldest first, counts zero. */
export function emptyDays(from: Date, to: Date, timeZone: string): DayCount[] {
  const days: DayCount[] = [];
  // Every zone day lasts at least 23 hours, so an hourly walk lands in each of them.
  for (let t = from.getTime(); t < to.getTime(); t += HOUR_MS) {
    const day = dayIn(new Date(t), timeZone);
    if (days.at(-1)?.day !== day) days.push({ day, succeeded: 0, failed: 0, other: 0 });
  }
  const last = dayIn(new Date(to.getTime() - 1), timeZone);
  if (days.at(-1)?.day !== last) days.push({ day: last, succeeded: 0, failed: 0, other: 0 });
  return days;
}

/**
 * How a run started, from its stored trigger: start-run writes `{ type: "manual", via: "chat" }`
 * for the chat's "run it", schedules/webhooks/event triggers their own type.
 */
export function triggerKindOf(trigger: unknown): RunTriggerKind {
  const { type, via } = (trigger ?? {}) as { type?: unknown; via?: unknown };
  if (type === "schedule" || type === "webhook" || type === "event") return type;
  return via === "chat" ? "chat" : "manual";
}

export type HistoryCursor = { createdAt: string; id: string };

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor carries the row's exact (microsecond) creation time and id. */
export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString("base64url");
}

/** The cursor's position, or undefined when it is not one this API handed out. */
export function decodeCursor(text: string): HistoryCursor | undefined {
  if (text.length > 200) return undefined;
  const [createdAt, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !CURSOR_TIME.test(createdAt ?? "") || !UUID.test(id ?? "")) {
    return undefined;
  }
  return { createdAt, id };
}
