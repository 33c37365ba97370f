// The one way a duration reads for people, everywhere (cards, summaries, pages, chat answers):
// `914 ms`, `2.9 s`, `1 min 4 s`, `2 h 5 min`, `3 d 4 h`. Plans write durations in their own
// language ("30s", "1h30m"): that is lib/plan/duration.ts, not this.

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Two units, the smaller one left out when it is zero: "1 min", "1 min 4 s". */
function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/**
 * A number of milliseconds in words: below a second in ms, below a minute in seconds with one
 * decimal (a whole number drops its ".0"), then two units, rounded in the smaller one. A
 * value that rounds up to the next unit reads in that unit (59.96 s → "1 min"). Negative or
 * not-a-number reads as "0 ms".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0 ms";
  const wholeMs = Math.round(ms);
  if (wholeMs < SECOND) return `${wholeMs} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) {
    const seconds = tenths / 10;
    return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  }
  const seconds = Math.round(ms / SECOND);
  if (seconds < 3600) return pair(Math.floor(seconds / 60), "min", seconds % 60, "s");
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), "h", minutes % 60, "min");
  const hours = Math.round(ms / HOUR);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

/** The time between two instants (ISO strings or epoch ms), `to` defaulting to now. */
export function durationBetween(from: string | number, to?: string | number | null): number {
  const start = typeof from === "number" ? from : Date.parse(from);
  const end = to == null ? Date.now() : typeof to === "number" ? to : Date.parse(to);
  return Math.max(0, end - start);
}

export { DAY, HOUR, MINUTE, SECOND };
