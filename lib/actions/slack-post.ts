import { z } from "zod";
import { defineAction } from "./define-action";
import { httpUrl } from "./shared-schemas";

export const slackPost = defineAction({
  id: "slack.post",
  title: "Post to Slack",
  description: "Post a message to Slack through an incoming webhook URL (keep it in a secret).",
  kind: "task",
  sideEffects: true,
  input: z.strictObject({
    webhook: httpUrl.describe("incoming webhook URL, usually {{ secrets.SLACK_WEBHOOK }}"),
    text: z.string().min(1),
    blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
  output: z.object({ ok: z.boolean() }),
  describe: () => "post to Slack",
  example: { webhook: "{{ secrets.SLACK_WEBHOOK }}", text: "New signup: {{ trigger.body.email }}" },
});
