// Streams the model's reply into a thread. The user's message is stored before the model is
// called, the reply when the stream ends (also when the person presses Stop).
import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  InvalidToolInputError,
  NoSuchToolError,
  streamText,
  toUIMessageStream,
} from "ai";
import { requireUserId } from "@/app/(auth)/require-user";
import {
  applyApprovalDecisions,
  closeUnansweredApprovals,
  outsideDataInTurn,
  personText,
} from "@/lib/ai/approvals";
import { chatTools } from "@/lib/ai/chat-tools";
import { beginReply, settleReply } from "@/lib/ai/in-flight";
import { dataPartForModel, historyForModel } from "@/lib/ai/model-history";
import { chatInstructions, type ThreadWorkflowSummary } from "@/lib/ai/prompts";
import { getLanguageModel } from "@/lib/ai/providers";
import { regenerableReply } from "@/lib/ai/regenerate";
import { chatConfirmations } from "@/lib/ai/tools/run-confirmations";
import type { ChatMessage } from "@/lib/ai/types";
import {
  deleteModelReply,
  getOrCreateThread,
  getThread,
  getUserById,
  replaceMessageParts,
  saveMessages,
  touchThread,
} from "@/lib/db/queries";
import { getThreadPage } from "@/lib/db/thread-page-queries";
import { listWorkflows } from "@/lib/db/workflow-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_CHAT_REQUEST_BYTES } from "@/lib/limits";
import { listUserMcpTools } from "@/lib/mcp/catalog";
import { isValidTimeZone } from "@/lib/plan";
import { enforceLimit } from "@/lib/rate-limit";
import { announceBeforeReply } from "@/lib/runs/app-events";
import { toChatMessage } from "@/lib/threads/thread-page";
import { chatRequestSchema } from "./schema";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

function titleFrom(text: string) {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || "New chat";
}

export async function POST(request: Request) {
  try {
    const userId = await requireUserId();
    // A session whose account was deleted since is no session.
    if (!(await getUserById({ id: userId }))) throw new AppError("unauthorized:auth");
    // Per person, before any work: 429 + Retry-After once over (lib/rate-limit/limits.ts).
    await enforceLimit("chat", userId);

    const parsed = chatRequestSchema.safeParse(
      await readJsonBody(request, { surface: "chat", limit: MAX_CHAT_REQUEST_BYTES }),
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        "bad_request:chat",
        issue
          ? `${issue.message}${issue.path.length ? ` (at ${issue.path.join(".")})` : ""}`
          : "Invalid request.",
      );
    }
    const body = parsed.data;
    // A stopped reply may still be on its way to the database.
    await settleReply(body.id);

    let history: ChatMessage[];
    /** A workflow this message was already answered with: re-planning revises it. */
    let reviseInstead: string | undefined;
    if (body.trigger === "submit-message") {
      const text = body.message.parts.map((p) => p.text).join("\n");
      await getOrCreateThread({ id: body.id, userId, title: titleFrom(text) });
      const message: ChatMessage = {
        id: body.message.id,
        role: "user",
        parts: body.message.parts,
        metadata: { createdAt: new Date().toISOString() },
      };
      await saveMessages({
        threadId: body.id,
        items: [{ id: message.id, role: "user", parts: message.parts, metadata: message.metadata }],
      });
      // Workflows of theirs may start on it ("thread/message.posted"): its event is stored
      // before the reply starts, waiting a slow engine 2 s at most (lib/runs/app-events.ts).
      await announceBeforeReply({ userId, threadId: body.id, messageId: message.id, text });
      history = await closeUnanswered(body.id, await loadHistory(body.id));
    } else if (body.trigger === "approval-response") {
      if (!(await getThread({ id: body.id, userId }))) throw new AppError("not_found:thread");
      history = await answerConfirmations(body.id, await loadHistory(body.id), body.approvals);
    } else {
      if (!(await getThread({ id: body.id, userId }))) throw new AppError("not_found:thread");
      history = await closeUnanswered(body.id, await loadHistory(body.id));
      ({ history, reviseInstead } = await forRegenerate({
        userId,
        threadId: body.id,
        history,
        messageId: body.messageId,
      }));
    }

    // Throws a clear "how to configure a model" error when none is set.
    const model = getLanguageModel();
    const user = await getUserById({ id: userId });
    const browserZone = body.timezone && isValidTimeZone(body.timezone) ? body.timezone : undefined;
    const replySaved = beginReply(body.id);
    const turn = chatTools({
      userId,
      threadId: body.id,
      timezone: user?.timezone ?? browserZone,
      reviseInstead,
    });
    const tools = turn.tools;
    const workflows = await threadWorkflows({ userId, threadId: body.id });
    // Workflow posts reach the model as delimited data, tool results through the tools'
    // `toModelOutput` (which marks outside text the same way).
    const messages = await convertToModelMessages(
      historyForModel(history, { workflowTitles: new Map(workflows.map((w) => [w.id, w.title])) }),
      { convertDataPart: dataPartForModel, tools },
    );
    const confirmations = chatConfirmations({
      userId,
      threadId: body.id,
      timeZone: user?.timezone ?? browserZone,
      personText: personText(history),
      threadWorkflowIds: workflows.map((w) => w.id),
      outsideDataInTurn: outsideDataInTurn(history),
      historyLength: messages.length,
    });
    const result = streamText({
      model,
      instructions: chatInstructions({
        now: new Date(),
        timezone: user?.timezone ?? browserZone,
        workflows,
        // Cached per server; an unreachable one is named, not fatal.
        mcpServers: await listUserMcpTools(userId, { timeoutMs: 3000 }).catch((error) => {
          console.error("[chat] could not list MCP tools", error);
          return [];
        }),
        request: personText(history),
      }),
      messages,
      tools,
      // Starting or cancelling a run asks the person unless their own message asked for it.
      toolApproval: confirmations.policy,
      stopWhen: turn.stopWhen,
      prepareStep: turn.prepareStep,
      abortSignal: request.signal,
    });
    // An answered confirmation continues the reply that asked (the last of `history`).
    const continuing = body.trigger === "approval-response";

    return createUIMessageStreamResponse({
      stream: createUIMessageStream<ChatMessage>({
        // Only a continued reply extends the last message; any other answer is a new message
        // (the last one may be a workflow post or a plan reply, which must stay as they are).
        originalMessages: continuing ? history : undefined,
        generateId: () => crypto.randomUUID(),
        execute: ({ writer }) =>
          writer.merge(
            toUIMessageStream<typeof tools, ChatMessage>({
              stream: result.stream,
              messageMetadata: ({ part }) =>
                part.type === "start" && !continuing
                  ? { createdAt: new Date().toISOString() }
                  : undefined,
              onError: describeStreamError,
            }).pipeThrough(confirmations.cards()),
          ),
        onError: describeStreamError,
        onEnd: async ({ responseMessage }) => {
          try {
            if (responseMessage.parts.length === 0) return;
            await saveMessages({
              threadId: body.id,
              items: [
                {
                  id: responseMessage.id,
                  role: "assistant",
                  parts: responseMessage.parts,
                  metadata: responseMessage.metadata,
                },
              ],
            });
            await touchThread({ id: body.id });
          } finally {
            replySaved();
          }
        },
      }),
    });
  } catch (error) {
    return toErrorResponse(error, "chat");
  }
}

/**
 * The text for an error in the reply stream. A tool call the model got wrong (input that is
 * not JSON, a tool not offered) or a planner refusal becomes that tool part's error text,
 * which the model reads and repairs; only real failures are logged as such.
 */
function describeStreamError(error: unknown): string {
  if (InvalidToolInputError.isInstance(error) || NoSuchToolError.isInstance(error)) {
    return error.message;
  }
  if (error instanceof AppError) return error.message;
  console.error("[chat] model stream failed", error);
  return `The model could not answer: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Regenerate answers the person's last message again, replacing only the assistant's text reply
 * to it. Plan cards, run cards, confirmations and workflow posts are records and stay; a request
 * naming any other message is refused. When the message was already answered with a workflow,
 * a new plan revises that workflow instead of creating a second one.
 */
async function forRegenerate({
  userId,
  threadId,
  history,
  messageId,
}: {
  userId: string;
  threadId: string;
  history: ChatMessage[];
  messageId?: string;
}): Promise<{ history: ChatMessage[]; reviseInstead?: string }> {
  const lastUser = history.findLast((m) => m.role === "user");
  if (!lastUser) throw new AppError("bad_request:chat", "There is no message to answer yet.");
  const reply = regenerableReply(history);
  if (messageId && messageId !== reply?.id) {
    throw new AppError(
      "bad_request:chat",
      "Only the assistant's last text reply can be regenerated; plans, runs and workflow posts stay in the thread.",
    );
  }
  let kept = history;
  if (messageId && reply && (await deleteModelReply({ threadId, messageId: reply.id }))) {
    kept = history.filter((m) => m.id !== reply.id);
  }
  const askedAt = Date.parse(lastUser.metadata?.createdAt ?? "");
  const answered = Number.isNaN(askedAt)
    ? undefined
    : (await listWorkflows({ userId, threadId, limit: 20 })).find(
        ({ workflow }) => workflow.createdAt.getTime() >= askedAt,
      );
  return { history: kept, reviseInstead: answered?.workflow.id };
}

/** What the model should know about this thread's workflows to revise them. */
async function threadWorkflows({
  userId,
  threadId,
}: {
  userId: string;
  threadId: string;
}): Promise<ThreadWorkflowSummary[]> {
  const items = await listWorkflows({ userId, threadId, limit: 20 });
  return items.flatMap(({ workflow, active, latest }) =>
    latest
      ? [
          {
            id: workflow.id,
            title: workflow.title,
            latestVersion: latest.number,
            latestState: latest.state,
            activeVersion: active?.number,
          },
        ]
      : [],
  );
}

/** Replies whose confirmations the person left unanswered, closed before the model reads them. */
async function closeUnanswered(threadId: string, history: ChatMessage[]) {
  const closed = closeUnansweredApprovals(history);
  if (closed.length === 0) return history;
  await saveMessages({
    threadId,
    items: closed.map((m) => ({ id: m.id, role: m.role, parts: m.parts, metadata: m.metadata })),
  });
  const byId = new Map(closed.map((m) => [m.id, m]));
  return history.map((m) => byId.get(m.id) ?? m);
}

/**
 * Applies the person's decisions to the stored reply that asked (refusing any that do not match
 * a waiting request), stores them once (a second answer to the same card loses the race), and
 * returns the history with that reply last, so the model continues it. Posts that arrived after
 * it are read before it.
 */
async function answerConfirmations(
  threadId: string,
  history: ChatMessage[],
  decisions: { id: string; approved: boolean }[],
) {
  const { message, index } = applyApprovalDecisions(history, decisions);
  const stored = await replaceMessageParts({
    threadId,
    messageId: message.id,
    expected: history[index].parts,
    parts: message.parts,
  });
  if (!stored) {
    throw new AppError("conflict:chat", "This confirmation was answered already.");
  }
  return [...history.slice(0, index), ...history.slice(index + 1), message];
}

/**
 * What the model reads of the thread: its newest messages (a thread holding thousands of runs
 * must not become thousands of prompt messages; the workflows themselves are in the
 * instructions, and older runs are readable with the run tools).
 */
const MODEL_HISTORY_MESSAGES = 200;

async function loadHistory(threadId: string): Promise<ChatMessage[]> {
  const { rows } = await getThreadPage({ threadId, limit: MODEL_HISTORY_MESSAGES });
  return rows.map(toChatMessage);
}
