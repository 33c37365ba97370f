// The one chat message type of the app. Data parts for plans and runs join it in later issues.
import type { UIMessage } from "ai";
import { z } from "zod";

/** The longest message a person can send; the composer and /api/chat enforce the same limit. */
export const MAX_MESSAGE_CHARS = 8_000;

export const messageMetadataSchema = z.object({
  createdAt: z.string().optional(),
  model: z.string().optional(),
});

export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

export type ChatMessage = UIMessage<MessageMetadata>;
