import { z } from "zod";
import { defineAction } from "./define-action";

const address = z.email({ message: "must be an email address" });

export const emailSend = defineAction({
  id: "email.send",
  title: "Send email",
  description: "Send an email. Give text, html or both.",
  kind: "task",
  sideEffects: true,
  input: z
    .strictObject({
      to: z.union([address, z.array(address).min(1)]),
      cc: z.array(address).optional(),
      subject: z.string().min(1),
      text: z.string().optional(),
      html: z.string().optional(),
      replyTo: address.optional(),
    })
    .refine((value) => value.text !== undefined || value.html !== undefined, {
      message: "needs a body: give text or html",
    }),
  output: z.object({ messageId: z.string() }),
  describe: (input) =>
    `email ${Array.isArray(input.to) ? input.to.join(", ") : String(input.to ?? "someone")}`,
  example: {
    to: "{{ user.email }}",
    subject: "Sev-1 open",
    text: "{{ steps.summarize.output.text }}",
  },
});
