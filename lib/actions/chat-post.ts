import { z } from "zod";
import { defineAction } from "./define-action";

export const chatPost = defineAction({
  id: "chat.post",
  title: "Post in this chat",
  description: "Post a message (markdown) into the chat thread the workflow belongs to.",
  kind: "task",
  sideEffects: true,
  input: z.strictObject({ text: z.string().min(1) }),
  output: z.object({ messageId: z.string() }),
  describe: () => "post in this chat",
  example: { text: "Open incidents:\n{{ steps.summarize.output.text }}" },
});
