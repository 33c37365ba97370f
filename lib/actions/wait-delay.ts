import { z } from "zod";
import { durationInWords } from "@/lib/plan/duration";
import { defineAction } from "./define-action";
import { durationString } from "./shared-schemas";

export const waitOutput = z.object({
  resumedAt: z.string(),
  /** True when the wait was ended early through its resume URL. */
  early: z.boolean(),
});

export const waitDelay = defineAction({
  id: "wait.delay",
  title: "Wait for a while",
  description: "Pause the run for a duration.",
  kind: "wait",
  sideEffects: false,
  input: z.strictObject({ duration: durationString }),
  output: waitOutput,
  describe: (input) => `wait ${durationInWords(String(input.duration ?? ""))}`,
  example: { duration: "15m" },
});
