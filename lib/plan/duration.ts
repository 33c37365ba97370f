// Duration strings used by plans ("30s", "5m", "1h30m", "2d", "500ms"): parse, format, validate.

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

type DurationUnit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/** The longest duration a plan may ask for (a wait or a timeout): one year. */
export const MAX_DURATION_MS = 366 * UNIT_MS.d;

export const DURATION_HINT =
  'a duration like "30s", "5m", "1h30m" or "2d" (units: ms, s, m, h, d, w)';

/** Milliseconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  return Math.round(total);
}

/** Why a duration string is unacceptable, or undefined when it is fine. */
export function durationProblem(text: string): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return `"${text}" is not ${DURATION_HINT}`;
  if (ms <= 0) return `"${text}" must be longer than zero`;
  if (ms > MAX_DURATION_MS) return `"${text}" is longer than the maximum of 366 days`;
  return undefined;
}

/**
 * @deprecated Durations for people read one way, everywhere: import `formatDuration` from
 * `@/lib/format/duration` ("914 ms", "2.9 s", "1 min 4 s"). Kept as that for older imports.
 */
export { formatDuration } from "../format/duration";

/** Human words for a duration string: "30 seconds", "1 hour 30 minutes". */
export function durationInWords(text: string): string {
  const ms = parseDuration(text);
  if (ms === undefined) return text;
  const words: string[] = [];
  let rest = ms;
  const names: [DurationUnit, string][] = [
    ["w", "week"],
    ["d", "day"],
    ["h", "hour"],
    ["m", "minute"],
    ["s", "second"],
    ["ms", "millisecond"],
  ];
  for (const [unit, name] of names) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      const count = Math.floor(rest / size);
      words.push(`${count} ${name}${count === 1 ? "" : "s"}`);
      rest %= size;
    }
  }
  return words.length > 0 ? words.join(" ") : "0 seconds";
}
