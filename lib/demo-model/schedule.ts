// When a request says to run: the demo model's reading of "every Friday at 5pm", "every 15
// minutes", "in 20 minutes", "tomorrow at 9" — applied to a template's schedule trigger, so the
// plan runs when the person asked and not when the template happens to. Deterministic words,
// not AI: what it does not recognise leaves the template's schedule as it is.

import { describeCron } from "../plan/schedule";
import { isValidTimeZone, zonedParts } from "../plan/timezone";
import { parseTimeOfDay } from "../templates";

type Json = Record<string, unknown>;

/** What a message asks for: a cron (fields it names) or one instant. */
export type AskedSchedule =
  | {
      kind: "cron";
      /** The parts the message gives; the rest stay as the template has them. */
      minute?: string;
      hour?: string;
      dayOfMonth?: string;
      dayOfWeek?: string;
      /** Words for the summary: "Every Friday at 17:00". */
      words: string;
    }
  | { kind: "once"; at: string; words: string };

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  "forty-five": 45,
};
const capital = (word: string) => word[0].toUpperCase() + word.slice(1);
const pad = (n: number) => String(n).padStart(2, "0");

function amount(word: string): number | undefined {
  const n = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word.toLowerCase()];
  return n !== undefined && n > 0 ? n : undefined;
}

/** "at 7:30", "at 5pm", "at 9" (after "at"), as hour and minute. */
function timeOf(said: string): { hour: number; minute: number } | undefined {
  const match =
    /\b(?:at|by)\s+(\d{1,2}(?:[:.h]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?)(?![\d:])/i.exec(said) ??
    /(?:^|[^\d:.])(\d{1,2}(?:[:.]\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}[:.]\d{2})(?![\d])/i.exec(
      said,
    );
  return match ? parseTimeOfDay(match[1].replace(/\s+/g, "")) : undefined;
}

const clock = (t: { hour: number; minute: number }) => `${pad(t.hour)}:${pad(t.minute)}`;

/** The days of the week a message names ("every Monday and Thursday", "weekdays"). */
function daysOf(said: string): { field: string; words: string } | undefined {
  if (
    /\b(?:every\s+)?(?:weekday|work\s?day|business day)s?\b|\bmonday\s+(?:to|through|-)\s+friday\b/.test(
      said,
    )
  ) {
    return { field: "1-5", words: "Every weekday" };
  }
  if (/\b(?:weekend|saturday\s+and\s+sunday)s?\b/.test(said)) {
    return { field: "0,6", words: "Every weekend day" };
  }
  const named = DAYS.map((day, index) => ({ day, index })).filter(({ day }) =>
    new RegExp(
      `\\b(?:every|each|on|and|,)\\s+(?:${day}|${day.slice(0, 3)})s?\\b|\\b${day}s\\b`,
    ).test(said),
  );
  if (named.length > 0) {
    const words = named.map(({ day }) => capital(day));
    return {
      field: named.map(({ index }) => index).join(","),
      words: `Every ${words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0]}`,
    };
  }
  if (
    /\b(?:every|each)\s+(?:day|morning|evening|night|afternoon)\b|\bdaily\b|\bnightly\b/.test(said)
  ) {
    return { field: "*", words: "Every day" };
  }
  return undefined;
}

/** The local date a message names for one run ("tomorrow", "on 3 March", "on March 3rd"). */
function dateOf(said: string, now: number, timeZone: string) {
  const today = zonedParts(now, timeZone);
  const todayUtc = Date.UTC(today.year, today.month - 1, today.day);
  const fromUtc = (ms: number) => {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  };
  if (/\btomorrow\b/.test(said)) return { ...fromUtc(todayUtc + 86_400_000), words: "Tomorrow" };
  const months = MONTHS.map((m) => `${m}|${m.slice(0, 3)}`).join("|");
  const dayFirst = new RegExp(
    `\\bon\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${months})\\b`,
  );
  const monthFirst = new RegExp(`\\bon\\s+(${months})\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`);
  const m1 = dayFirst.exec(said);
  const m2 = m1 ? undefined : monthFirst.exec(said);
  if (!m1 && !m2) return undefined;
  const day = Number(m1 ? m1[1] : m2?.[2]);
  const monthWord = (m1 ? m1[2] : m2?.[1]) ?? "";
  const month = MONTHS.findIndex((m) => m.startsWith(monthWord.slice(0, 3))) + 1;
  if (month < 1 || day < 1 || day > 31) return undefined;
  // The next such date: this year's, unless it has passed.
  let year = today.year;
  if (Date.UTC(year, month - 1, day) < todayUtc) year++;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1) return undefined; // 31 April
  return { year, month, day, words: `On ${day} ${capital(MONTHS[month - 1])}` };
}

/**
 * What a message asks for, or undefined when it names no schedule. `now` and `timeZone` place
 * "in 20 minutes" and "tomorrow at 9".
 */
export function askedSchedule(
  message: string,
  now: number,
  timeZone: string,
): AskedSchedule | undefined {
  const said = message.toLowerCase();
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";

  // One run: "in 20 minutes", "in an hour", "in 2 hours".
  const inMatch =
    /\bin\s+(\d+|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty-five)\s*(minutes?|mins?|hours?|hrs?)\b/.exec(
      said,
    );
  if (inMatch && !/\bevery\b/.test(said)) {
    const n = amount(inMatch[1]);
    if (n !== undefined) {
      const minutes = /^h/.test(inMatch[2]) ? n * 60 : n;
      const at = new Date(Math.ceil((now + minutes * 60_000) / 60_000) * 60_000).toISOString();
      const unit = /^h/.test(inMatch[2])
        ? n === 1
          ? "hour"
          : "hours"
        : n === 1
          ? "minute"
          : "minutes";
      return { kind: "once", at: at.replace(/\.\d{3}Z$/, "Z"), words: `In ${n} ${unit}` };
    }
  }
  // One run on a date: "tomorrow at 9", "on 3 March at 9".
  const date = /\bevery\b/.test(said) ? undefined : dateOf(said, now, zone);
  if (date) {
    const time = timeOf(said) ?? { hour: 9, minute: 0 };
    const at = `${date.year}-${pad(date.month)}-${pad(date.day)}T${clock(time)}`;
    return { kind: "once", at, words: `${date.words} at ${clock(time)}` };
  }

  // Repeating every few minutes or hours.
  const every =
    /\bevery\s+(\d+|two|three|four|five|six|ten|fifteen|twenty|thirty)?\s*(minutes?|mins?|hours?|hrs?)\b/.exec(
      said,
    );
  if (every || /\bhourly\b|\bevery half hour\b/.test(said)) {
    if (/\bevery half hour\b/.test(said)) {
      return {
        kind: "cron",
        minute: "*/30",
        hour: "*",
        dayOfMonth: "*",
        dayOfWeek: "*",
        words: "Every 30 minutes",
      };
    }
    const n = every?.[1] ? amount(every[1]) : 1;
    const hours = every ? /^h/.test(every[2]) : true;
    if (n === undefined) return undefined;
    const days = daysOf(said);
    const dayWords =
      days && days.field !== "*" ? ` on ${days.words.replace(/^Every /, "").toLowerCase()}s` : "";
    if (hours) {
      return {
        kind: "cron",
        minute: "0",
        hour: n === 1 ? "*" : `*/${n}`,
        dayOfMonth: "*",
        dayOfWeek: days?.field ?? "*",
        words: `${n === 1 ? "Every hour" : `Every ${n} hours`}${dayWords}`,
      };
    }
    if (n >= 60) return undefined;
    return {
      kind: "cron",
      minute: n === 1 ? "*" : `*/${n}`,
      hour: "*",
      dayOfMonth: "*",
      dayOfWeek: days?.field ?? "*",
      words: `${n === 1 ? "Every minute" : `Every ${n} minutes`}${dayWords}`,
    };
  }

  // Monthly: "on the 1st of every month", "every month on the 15th", "monthly".
  const monthly = /\b(?:every|each)\s+month\b|\bmonthly\b/.test(said);
  const dom = /\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b/.exec(said);
  const time = timeOf(said);
  if (monthly) {
    const day = dom ? Number(dom[1]) : 1;
    if (day < 1 || day > 28) return undefined;
    return {
      kind: "cron",
      ...(time ? { minute: String(time.minute), hour: String(time.hour) } : {}),
      dayOfMonth: String(day),
      dayOfWeek: "*",
      words: `Every month on day ${day}${time ? ` at ${clock(time)}` : ""}`,
    };
  }

  const days = daysOf(said);
  if (!days && !time) return undefined;
  return {
    kind: "cron",
    ...(time ? { minute: String(time.minute), hour: String(time.hour) } : {}),
    ...(days ? { dayOfMonth: "*", dayOfWeek: days.field } : {}),
    words: `${days?.words ?? ""}${time ? `${days ? " at" : "At"} ${clock(time)}` : ""}`,
  };
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** "Every weekday at 7:00, post …" → "Every Friday at 17:00, post …" (the lead phrase only). */
function resummarized(summary: unknown, words: string): unknown {
  if (typeof summary !== "string") return summary;
  const match = /^(?:every|each|daily|on|at|in|tomorrow)\b[^,]*,\s*(.*)$/is.exec(summary);
  if (!match) return summary;
  return `${words}, ${match[1]}`;
}

/**
 * The plan with its schedule as the message asks: a schedule trigger's cron fields replaced by
 * those the message names, or a one-time trigger for "in 20 minutes" / "tomorrow at 9". A plan
 * whose trigger is not a schedule (a webhook, an event, manual) is returned as it is.
 */
export function withAskedSchedule(plan: Json, message: string, now = Date.now()): Json {
  const trigger = plan.trigger;
  if (!isObject(trigger) || trigger.type !== "schedule" || typeof trigger.cron !== "string") {
    return plan;
  }
  const timeZone = typeof trigger.timezone === "string" ? trigger.timezone : "UTC";
  const asked = askedSchedule(message, now, timeZone);
  if (!asked) return plan;
  const next = structuredClone(plan);
  if (asked.kind === "once") {
    next.trigger = { type: "once", at: asked.at, timezone: timeZone };
    next.summary = resummarized(next.summary, asked.words);
    return next;
  }
  const fields = trigger.cron.trim().split(/\s+/);
  if (fields.length !== 5) return plan;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const cron = [
    asked.minute ?? minute,
    asked.hour ?? hour,
    asked.dayOfMonth ?? dayOfMonth,
    month,
    asked.dayOfWeek ?? dayOfWeek,
  ].join(" ");
  (next.trigger as Json).cron = cron;
  // The summary's lead phrase, in words for the whole new schedule ("Every Friday at 17:00").
  const words = describeCron(cron);
  if (!words.startsWith("Cron ")) next.summary = resummarized(next.summary, words);
  return next;
}
