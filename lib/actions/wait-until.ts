import { z } from "zod";
import { parseTimeOfDay } from "@/lib/plan/timezone";
import { defineAction } from "./define-action";
import { localTimeOrInstant } from "./shared-schemas";
import { waitOutput } from "./wait-delay";

export const waitUntil = defineAction({
  id: "wait.until",
  title: "Wait until a time",
  description:
    'Pause until an instant, or until a local time of day ("08:00") in the plan\'s time zone today (plus dayOffset days). A time already past continues at once.',
  kind: "wait",
  sideEffects: false,
  input: z
    .strictObject({
      at: localTimeOrInstant,
      dayOffset: z.number().int().min(0).max(366).optional(),
    })
    .refine(
      (value) =>
        value.dayOffset === undefined ||
        parseTimeOfDay(value.at) !== undefined ||
        value.at.includes("{{"),
      { message: 'dayOffset only applies to a local time like "08:00"', path: ["dayOffset"] },
    ),
  output: waitOutput,
  describe: (input) =>
    `wait until ${String(input.at ?? "?")}${typeof input.dayOffset === "number" && input.dayOffset > 0 ? ` (+${input.dayOffset}d)` : ""}`,
  example: { at: "08:00" },
});
