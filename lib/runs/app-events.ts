// App events the app sends from outside the interpreter (lib/plan/events.ts lists them all; a
// run's end is announced by execute-workflow itself): a person's chat message. Sent only when
// something of theirs listens (an active workflow's event trigger, an armed wait.event), so a
// chat message costs one small read, not an engine round trip, for everyone else.
import "server-only";
import { inngest as appClient, messagePosted } from "@/inngest/client";
import { listListeningWaits } from "@/lib/db/run-queries";
import { hasEventTriggeredWorkflow } from "@/lib/db/workflow-queries";
import { logError } from "@/lib/log";

type Sender = Pick<typeof appClient, "send">;

/** The most of a message's text an event carries. */
export const MESSAGE_EVENT_TEXT_MAX = 4000;

async function someoneListens(userId: string, eventName: string): Promise<boolean> {
  if (await hasEventTriggeredWorkflow({ userId, eventName })) return true;
  return (await listListeningWaits({ userId, eventName })).length > 0;
}

/**
 * `thread/message.posted` for a message the person sent; answers whether it was sent. Never
 * throws: the chat goes on whatever the engine says (logged).
 */
export async function announceMessagePosted(
  message: { userId: string; threadId: string; messageId: string; text: string },
  client: Sender = appClient,
): Promise<boolean> {
  try {
    if (!(await someoneListens(message.userId, messagePosted.name))) return false;
    await client.send(
      messagePosted.create(
        { ...message, text: message.text.slice(0, MESSAGE_EVENT_TEXT_MAX) },
        { id: `message-${message.threadId}-${message.messageId}` },
      ),
    );
    return true;
  } catch (error) {
    logError("[events] could not announce a chat message", error);
    return false;
  }
}

/** How long a chat reply waits at most for its message's event to be stored. */
export const ANNOUNCE_WAIT_MS = 2000;

/**
 * Announces a message before the chat replies, so the event is stored before the model's
 * answer starts (a crash while it streams loses no workflow start); a slow or unreachable
 * engine holds the reply back `waitMs` at most, the send going on (and logged if it fails).
 * Answers whether the send ended (sent or not) within the wait.
 */
export async function announceBeforeReply(
  message: Parameters<typeof announceMessagePosted>[0],
  { client = appClient, waitMs = ANNOUNCE_WAIT_MS }: { client?: Sender; waitMs?: number } = {},
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    return await Promise.race([announceMessagePosted(message, client).then(() => true), waited]);
  } finally {
    clearTimeout(timer);
  }
}
