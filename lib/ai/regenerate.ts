// What Regenerate may replace: the assistant's last reply to the person, when it is only words.
// Plan cards, run cards, confirmations, workflow posts and approvals are records of what
// happened, not the model's words: a reply holding one is never regenerated (client-safe).
import { isWorkflowPost } from "./model-history";
import type { ChatMessage } from "./types";

/** Tools that only read: a reply that used them can be answered again without losing a record. */
const LOOK_UP_PARTS: ReadonlySet<string> = new Set([
  "tool-listWorkflows",
  "tool-listRuns",
  "tool-getRun",
]);

function isWordsPart(part: ChatMessage["parts"][number]): boolean {
  return (
    part.type === "text" ||
    part.type === "reasoning" ||
    part.type === "step-start" ||
    part.type.startsWith("source-") ||
    LOOK_UP_PARTS.has(part.type)
  );
}

/** An assistant reply made of the model's words only (no plan, run, confirmation or post). */
export function isTextReply(message: ChatMessage): boolean {
  return (
    message.role === "assistant" &&
    !isWorkflowPost(message) &&
    message.parts.some((part) => part.type === "text" && part.text.trim().length > 0) &&
    message.parts.every(isWordsPart)
  );
}

/**
 * The reply Regenerate applies to: the assistant's own last reply after the person's last
 * message, if it is a text reply. Workflow posts that came after it do not count (they stay).
 */
export function regenerableReply(messages: readonly ChatMessage[]): ChatMessage | undefined {
  const lastUser = messages.findLastIndex((m) => m.role === "user");
  if (lastUser === -1) return undefined;
  for (let index = messages.length - 1; index > lastUser; index--) {
    const message = messages[index];
    if (message.role !== "assistant" || isWorkflowPost(message)) continue;
    return isTextReply(message) ? message : undefined;
  }
  return undefined;
}
