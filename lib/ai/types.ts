// The one chat message type of the app: metadata, typed data parts and the planner tools.
import type { UIMessage } from "ai";
import { z } from "zod";
import type { PlannerUITools } from "./tools/planner-types";
import type { RunUITools } from "./tools/run-tool-types";

/** The longest message a person can send; the composer and /api/chat enforce the same limit. */
export const MAX_MESSAGE_CHARS = 8_000;

export const messageMetadataSchema = z.object({
  createdAt: z.string().optional(),
  model: z.string().optional(),
});

export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

/**
 * `data-plan`: a plan version that did not come from a tool call (the person's own edit),
 * shown as a plan card like the planner tools' parts.
 */
export const planDataSchema = z.object({
  workflowId: z.uuid(),
  versionId: z.uuid(),
  version: z.number().int().positive(),
  author: z.enum(["model", "person"]),
});

export type PlanData = z.infer<typeof planDataSchema>;

/** `data-run`: a run started from the thread, shown as a live run card. */
export const runDataSchema = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  title: z.string(),
});

export type RunData = z.infer<typeof runDataSchema>;

export type ChatDataParts = {
  plan: PlanData;
  run: RunData;
};

export type ChatTools = PlannerUITools & RunUITools;

export type ChatMessage = UIMessage<MessageMetadata, ChatDataParts, ChatTools>;
