import { z } from "zod";
import { MAX_MESSAGE_CHARS } from "@/lib/ai/types";

const textPart = z.object({
  type: z.literal("text"),
  text: z
    .string()
    .max(MAX_MESSAGE_CHARS, `A message can be at most ${MAX_MESSAGE_CHARS} characters long.`),
});

export const userMessageSchema = z.object({
  id: z.string().min(1).max(100),
  role: z.literal("user"),
  parts: z
    .array(textPart)
    .min(1, "A message needs some text.")
    .refine((parts) => parts.some((p) => p.text.trim().length > 0), "A message cannot be empty."),
  metadata: z.unknown().optional(),
});

/**
 * The person's answer to confirmation cards: which request (the approval id the server issued)
 * and the decision, nothing else. The tool, its input and the request come from the stored
 * reply; unknown keys (a tool name, an input) are dropped here and never read.
 */
export const approvalDecisionSchema = z.object({
  id: z.string().min(1).max(200),
  approved: z.boolean(),
});

/** The browser's IANA zone, used when the person has not set one; checked again by the route. */
const timezone = z.string().max(64).optional();

export const chatRequestSchema = z.discriminatedUnion("trigger", [
  z.object({
    trigger: z.literal("submit-message"),
    id: z.uuid("The thread id must be a UUID."),
    message: userMessageSchema,
    timezone,
  }),
  z.object({
    trigger: z.literal("regenerate-message"),
    id: z.uuid("The thread id must be a UUID."),
    /** The text reply to replace; without it, the person's last message is answered again. */
    messageId: z.string().min(1).max(100).optional(),
    timezone,
  }),
  z.object({
    trigger: z.literal("approval-response"),
    id: z.uuid("The thread id must be a UUID."),
    approvals: z.array(approvalDecisionSchema).min(1).max(20),
    timezone,
  }),
]);

export type ChatRequest = z.infer<typeof chatRequestSchema>;
