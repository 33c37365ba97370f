import { z } from "zod";
import { type ActionContext, defineAction, withRun, withSimulation } from "./define-action";
import { NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";

/** Longer posts are cut here (a fetched page piped into the chat should not flood it). */
export const MAX_CHAT_POST_CHARS = 50_000;

/** The thread is read by people and fed to the model: secret values never go in. */
function postedText(text: string, context: ActionContext): string {
  const redacted = context.redactor.text(text);
  return redacted.length > MAX_CHAT_POST_CHARS
    ? `${redacted.slice(0, MAX_CHAT_POST_CHARS)}\n\n… (cut at ${MAX_CHAT_POST_CHARS} characters)`
    : redacted;
}

const runChatPost = withRun(
  defineAction({
    id: "chat.post",
    title: "Post in this chat",
    description: "Post a message (markdown) into the chat thread the workflow belongs to.",
    kind: "task",
    sideEffects: true,
    input: z.strictObject({ text: z.string().min(1) }),
    output: z.object({ messageId: z.string() }),
    describe: () => "post in this chat",
    effect: () => ({ class: "notifies", kind: "chat", does: "posts in the chat" }),
    example: { text: "Open incidents:\n{{ steps.summarize.output.text }}" },
  }),
  async (input, context) => {
    if (!context.threadId) {
      throw new NonRetriableActionError(
        "chat.post: this workflow has no chat thread to post into",
        { code: "not_configured" },
      );
    }
    const post = requireService(context, "postMessage", "chat.post");
    const text = postedText(input.text, context);
    // One id per run unit: a retried step upserts the same message instead of posting twice.
    const messageId = `run_${context.runId}_${context.unitId}`;
    return post({
      userId: context.userId,
      threadId: context.threadId,
      messageId,
      text,
      source: { runId: context.runId, workflowId: context.workflowId, stepId: context.stepId },
    });
  },
);

/** A test run's post: the text it would post (it still needs the workflow's thread). */
export const chatPost = withSimulation(runChatPost, async (input, context) => {
  if (!context.threadId) {
    throw new NonRetriableActionError("chat.post: this workflow has no chat thread to post into", {
      code: "not_configured",
    });
  }
  const text = postedText(input.text, context);
  const line = text.replace(/\s+/g, " ").trim();
  return {
    wouldSend: {
      kind: "chat",
      summary: `post in the chat: "${line.length > 80 ? `${line.slice(0, 79)}…` : line}"`,
      body: text,
    },
    output: { messageId: "test-run-not-posted" },
  };
});
