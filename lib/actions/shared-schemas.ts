// Small schemas several action inputs share.
import { z } from "zod";
import { DURATION_HINT, durationProblem } from "@/lib/plan/duration";
import { parseTimeOfDay } from "@/lib/plan/timezone";

export const durationString = z
  .string()
  .describe(DURATION_HINT)
  .superRefine((value, ctx) => {
    const problem = durationProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const httpUrl = z
  .string()
  .describe("http(s) URL")
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "must be an http:// or https:// URL" },
  );

export const jsonObject = z.record(z.string(), z.unknown());

/** An ISO instant must carry its zone; a bare "2026-03-30T08:00" would be ambiguous. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isLocalTimeOrInstant(value: string): boolean {
  return (
    parseTimeOfDay(value) !== undefined ||
    (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)))
  );
}

/** "08:30" (a local time of day in the plan's zone) or an ISO instant with a zone. */
export const localTimeOrInstant = z
  .string()
  .describe('"HH:MM" local time, or an ISO instant with Z or an offset')
  .refine(isLocalTimeOrInstant, {
    message:
      'must be a local time like "08:00" or an ISO instant with a zone like "2026-03-30T08:00:00+02:00"',
  });

/** "status.example.com/api/incidents" for summaries; bindings are kept as written. */
export function shortUrl(value: unknown): string {
  if (typeof value !== "string") return "a URL";
  try {
    const url = new URL(value);
    return `${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return value;
  }
}
