import { z } from "zod";
import { durationInWords } from "@/lib/plan/duration";
import { defineAction } from "./define-action";
import { durationString, localTimeOrInstant } from "./shared-schemas";

export const waitEvent = defineAction({
  id: "wait.event",
  title: "Wait for a signal or event",
  description:
    'Pause until the wait\'s resume URL (waits.<id>.url, usable by earlier steps, e.g. in an email link) is called, or the named event arrives (matching `match`), or the deadline passes: timeout (a duration) or until (local "HH:MM" or instant), whichever comes first. output.timedOut says if nothing came.',
  kind: "wait",
  sideEffects: false,
  expressionInputs: ["match"],
  input: z
    .strictObject({
      event: z.string().min(1).optional().describe("app event name that also ends the wait"),
      match: z
        .string()
        .optional()
        .describe("expression that must be true: reads event.name, event.data and earlier steps"),
      timeout: durationString.optional(),
      until: localTimeOrInstant.optional(),
    })
    .refine((value) => value.timeout !== undefined || value.until !== undefined, {
      message: 'needs a deadline: give timeout (like "30m") or until (like "08:30")',
    }),
  output: z.object({
    timedOut: z.boolean(),
    payload: z.unknown().optional(),
    via: z.enum(["url", "event", "timeout"]),
  }),
  describe: (input) => {
    const what =
      typeof input.event === "string" ? `"${input.event}" or its resume link` : "its resume link";
    const deadline =
      typeof input.until === "string"
        ? `until ${input.until}`
        : `up to ${durationInWords(String(input.timeout ?? ""))}`;
    return `wait for ${what} (${deadline})`;
  },
  example: { until: "08:30" },
});
