// Instants as people read them, in their own time zone. In the browser the zone defaults to
// the device's (the person's); server code passes the person's stored zone explicitly.

type Instant = string | number | Date;

const toDate = (at: Instant) => (at instanceof Date ? at : new Date(at));

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let found = cache.get(key);
  if (!found) {
    // An unknown zone must not break a page: fall back to the default zone.
    try {
      found = new Intl.DateTimeFormat("en-GB", options);
    } catch {
      found = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: undefined });
    }
    cache.set(key, found);
  }
  return found;
}

export type ZoneOption = { timeZone?: string };

/** "07:30" or, with seconds, "07:30:02"; with `ms`, "07:30:02.125". 24-hour clock. */
export function formatClock(
  at: Instant,
  options: ZoneOption & { seconds?: boolean; ms?: boolean } = {},
): string {
  const date = toDate(at);
  const text = formatter({
    timeZone: options.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    ...(options.seconds || options.ms ? { second: "2-digit" } : {}),
    hourCycle: "h23",
  }).format(date);
  return options.ms ? `${text}.${String(date.getMilliseconds()).padStart(3, "0")}` : text;
}

/** "Tue 1 Dec, 07:30" ("Tue 1 Dec 2026, 07:30" with `year`): a day and a time. */
export function formatDateTime(
  at: Instant,
  options: ZoneOption & { seconds?: boolean; year?: boolean } = {},
): string {
  const date = toDate(at);
  const parts = formatter({
    timeZone: options.timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? "";
  const day = `${part("weekday")} ${part("day")} ${part("month")}`;
  const clock = formatClock(date, options);
  return options.year ? `${day} ${part("year")}, ${clock}` : `${day}, ${clock}`;
}

/** The clock time alone when `at` is today (in the zone), else the day and the time. */
export function formatWhen(at: Instant, options: ZoneOption & { now?: Instant } = {}): string {
  const day = formatter({ timeZone: options.timeZone, dateStyle: "short" });
  const date = toDate(at);
  return day.format(date) === day.format(toDate(options.now ?? Date.now()))
    ? formatClock(date, options)
    : formatDateTime(date, options);
}
