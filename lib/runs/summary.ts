// Size caps for what run records and engine step state carry. Summaries keep small values as
// they are and replace big ones with a truncated preview, so a run view never loads megabytes.

/** Largest step output carried in engine step state; bigger ones are stored and referenced. */
export const INLINE_OUTPUT_MAX_BYTES = 256 * 1024;
/** Largest input/output summary kept in a run_steps row. */
export const SUMMARY_MAX_BYTES = 8 * 1024;
/** Largest error message kept. */
export const ERROR_MESSAGE_MAX_CHARS = 2000;

export type Truncated = { $truncated: true; bytes: number; preview: string };

export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value ?? null);
  return Buffer.byteLength(text, "utf8");
}

/** `value` itself when its JSON fits `maxBytes`, else a marker with a preview of its JSON. */
export function summarize(value: unknown, maxBytes = SUMMARY_MAX_BYTES): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= maxBytes) return value;
  // Cut by characters, then trim until the preview itself fits the byte budget.
  let preview = text.slice(0, Math.max(0, maxBytes - 64));
  while (Buffer.byteLength(preview, "utf8") > maxBytes - 64) preview = preview.slice(0, -16);
  return { $truncated: true, bytes, preview } satisfies Truncated;
}

export function isTruncated(value: unknown): value is Truncated {
  return typeof value === "object" && value !== null && (value as Truncated).$truncated === true;
}

export function truncateMessage(message: string, max = ERROR_MESSAGE_MAX_CHARS): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/** A reference to an output stored in run_outputs instead of engine step state. */
export type OutputRef = { $outputRef: string; bytes: number };

export function isOutputRef(value: unknown): value is OutputRef {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as OutputRef).$outputRef === "string"
  );
}

/**
 * Delay before retry `n` (1 = the first retry) of a plan step: `none` retries at once,
 * `fixed` waits `delayMs` each time, `exponential` doubles it each time (capped at an hour).
 */
export function retryDelayMs(
  policy: { backoff?: "none" | "fixed" | "exponential"; delayMs?: number },
  retry: number,
): number {
  const base = policy.delayMs ?? 1000;
  switch (policy.backoff ?? "exponential") {
    case "none":
      return 0;
    case "fixed":
      return base;
    case "exponential":
      return Math.min(base * 2 ** Math.max(0, retry - 1), 3_600_000);
  }
}
