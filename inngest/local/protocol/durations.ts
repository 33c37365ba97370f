// Inngest time strings ("1d2h30m10s", "500ms") and sleepUntil's ISO dates.
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_557_600_000,
};

/** Milliseconds in a duration string such as "1h30m"; undefined when it is not one. */
export function parseDuration(input: string): number | undefined {
  const text = input.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)\s*(ms|[smhdwy])/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNITS[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === text.length ? total : undefined;
}

/** When a Sleep op named `name` ends: a duration from now, or an absolute ISO date. */
export function sleepEndsAt(name: string, now = Date.now()): number | undefined {
  const duration = parseDuration(name);
  if (duration !== undefined) return now + duration;
  const date = Date.parse(name);
  return Number.isNaN(date) ? undefined : date;
}
