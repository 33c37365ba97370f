// "Did you mean …?" for misspelled names (actions, step ids, time zones, fields).

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let previous = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = [i];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[cols - 1];
}

/**
 * The known name closest to `name`, if it is close enough to be a plausible typo
 * (case-insensitive, within a third of the length, at least one character kept).
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const longest = Math.max(name.length, best.length);
  const limit = Math.max(1, Math.ceil(longest / 3));
  // Replacing every character is not a typo ("c" is not a misspelt "a").
  return bestDistance <= limit && bestDistance < longest ? best : undefined;
}

/** ' (did you mean "x"?)' or "". */
export function didYouMean(name: string, known: Iterable<string>): string {
  const nearest = nearestName(name, known);
  return nearest && nearest !== name ? ` (did you mean "${nearest}"?)` : "";
}
