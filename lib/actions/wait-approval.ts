import { z } from "zod";
import { durationInWords } from "@/lib/plan/duration";
import { defineAction } from "./define-action";
import { durationString } from "./shared-schemas";

export const waitApproval = defineAction({
  id: "wait.approval",
  title: "Ask for approval",
  description:
    "Ask the person in the chat to approve or reject; later steps can branch on output.approved or output.timedOut.",
  kind: "wait",
  sideEffects: true,
  input: z.strictObject({
    prompt: z.string().min(1),
    timeout: durationString,
  }),
  output: z.object({
    approved: z.boolean(),
    timedOut: z.boolean(),
    by: z.string().optional(),
    comment: z.string().optional(),
  }),
  describe: (input) => `ask for approval (up to ${durationInWords(String(input.timeout ?? ""))})`,
  effect: () => ({ class: "notifies", kind: "approval", does: "asks for approval" }),
  example: { prompt: "Send this reply to {{ trigger.body.from }}?", timeout: "1d" },
});
