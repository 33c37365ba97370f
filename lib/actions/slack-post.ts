import { z } from "zod";
import { originOf } from "@/lib/net/policy";
import { guardedRequest, readBody } from "@/lib/net/request";
import { defineAction, withRun, withSimulation } from "./define-action";
import { deadlineSignal } from "./runtime/context";
import { ActionError, isRetriableStatus, parseRetryAfter } from "./runtime/errors";
import { httpUrl } from "./shared-schemas";

const runSlackPost = withRun(
  defineAction({
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
    effect: () => ({ class: "notifies", kind: "slack", does: "posts to Slack", outside: true }),
    example: {
      webhook: "{{ secrets.SLACK_WEBHOOK }}",
      text: "New signup: {{ trigger.body.email }}",
    },
  }),
  async (input, context) => {
    const url = new URL(input.webhook);
    // The webhook URL is the credential: messages name only its origin.
    const where = `Slack webhook at ${originOf(url)}`;
    const payload = { text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}) };
    const signal = deadlineSignal(context, context.network.timeoutMs);
    const response = await guardedRequest(url, context.network, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Flowchat (workflow step)" },
      body: JSON.stringify(payload),
      signal,
      // Slack answers directly; a redirect would carry the message somewhere unexpected.
      followRedirects: false,
    });
    const answer = (await readBody(response, 64 * 1024, signal)).toString("utf8").trim();
    if (response.status >= 200 && response.status < 300) return { ok: true };
    throw new ActionError(
      `${where} answered HTTP ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ""}`,
      {
        code: "upstream",
        status: response.status,
        retriable: isRetriableStatus(response.status),
        retryAfterMs: parseRetryAfter(response.headers["retry-after"]),
      },
    );
  },
);

/** A test run's Slack post: the text and blocks, and where (the webhook's origin only). */
export const slackPost = withSimulation(runSlackPost, async (input) => ({
  wouldSend: {
    kind: "slack",
    summary: `Slack message: "${clip(input.text, 80)}"`,
    url: originOf(new URL(input.webhook)),
    body: input.text,
    ...(input.blocks ? { payload: input.blocks } : {}),
  },
  output: { ok: true },
}));

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
