// Streams the model's reply into a thread. The user's message is stored before the model is
// called, the reply when the stream ends (also when the person presses Stop).
import {
  convertToModelMessages,
  createUIMessageStreamResponse,
  InvalidToolInputError,
  NoSuchToolError,
  type PrepareStepFunction,
  type StopCondition,
  streamText,
  toUIMessageStream,
} from "ai";
import { currentUserId } from "@/app/(auth)/auth";
import { beginReply, settleReply } from "@/lib/ai/in-flight";
import { plannerSettings } from "@/lib/ai/planner";
import { chatInstructions, type ThreadWorkflowSummary } from "@/lib/ai/prompts";
import { getLanguageModel } from "@/lib/ai/providers";
import { runTools } from "@/lib/ai/tools/run-tools";
import { type ChatMessage, planDataSchema, runDataSchema } from "@/lib/ai/types";
import {
  deleteMessagesFrom,
  getMessages,
  getOrCreateThread,
  getThread,
  getUserById,
  saveMessages,
  touchThread,
} from "@/lib/db/queries";
import { listWorkflows } from "@/lib/db/workflow-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_CHAT_REQUEST_BYTES } from "@/lib/limits";
import { listUserMcpTools } from "@/lib/mcp/catalog";
import { isValidTimeZone } from "@/lib/plan";
import { enforceLimit } from "@/lib/rate-limit";
import { chatRequestSchema } from "./schema";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

function titleFrom(text: string) {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line || "New chat";
}

export async function POST(request: Request) {
  try {
    const userId = await currentUserId();
    if (!userId || !(await getUserById({ id: userId }))) throw new AppError("unauthorized:auth");
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
      history = await loadHistory(body.id);
    } else {
      if (!(await getThread({ id: body.id, userId }))) throw new AppError("not_found:thread");
      history = await loadHistory(body.id);
      // Answer the person's last message again: drop every reply after it.
      const index = history.findIndex((m) => m.id === body.messageId);
      const anchor = index === -1 ? history.length : index + 1;
      const keep = history.slice(0, anchor).findLastIndex((m) => m.role === "user") + 1;
      if (keep === 0) throw new AppError("bad_request:chat", "There is no message to answer yet.");
      const dropped = history[keep];
      if (dropped) await deleteMessagesFrom({ threadId: body.id, messageId: dropped.id });
      history = history.slice(0, keep);
    }

    // Throws a clear "how to configure a model" error when none is set.
    const model = getLanguageModel();
    const user = await getUserById({ id: userId });
    const browserZone = body.timezone && isValidTimeZone(body.timezone) ? body.timezone : undefined;
    const replySaved = beginReply(body.id);
    const runs = runTools({ userId, threadId: body.id });
    const planner = plannerSettings({
      userId,
      threadId: body.id,
      otherToolNames: Object.keys(runs),
    });
    const tools = { ...planner.tools, ...runs };
    const result = streamText({
      model,
      instructions: chatInstructions({
        now: new Date(),
        timezone: user?.timezone ?? browserZone,
        workflows: await threadWorkflows({ userId, threadId: body.id }),
        // Cached per server; an unreachable one is named, not fatal.
        mcpServers: await listUserMcpTools(userId, { timeoutMs: 3000 }).catch((error) => {
          console.error("[chat] could not list MCP tools", error);
          return [];
        }),
      }),
      messages: await convertToModelMessages(history, { convertDataPart: dataPartForModel }),
      tools,
      // The planner's stop condition and step preparation only count steps and narrow the
      // active tools, so they hold for the merged tool set too.
      stopWhen: planner.stopWhen as unknown as StopCondition<typeof tools>,
      prepareStep: planner.prepareStep as unknown as PrepareStepFunction<typeof tools>,
      abortSignal: request.signal,
    });

    return createUIMessageStreamResponse({
      stream: toUIMessageStream<typeof tools, ChatMessage>({
        stream: result.stream,
        originalMessages: history,
        generateMessageId: () => crypto.randomUUID(),
        messageMetadata: ({ part }) =>
          part.type === "start" ? { createdAt: new Date().toISOString() } : undefined,
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

/** A person's own edit (a `data-plan` part) reaches the model as a short note. */
function dataPartForModel(part: { type: `data-${string}`; data: unknown }) {
  if (part.type === "data-run") {
    const run = runDataSchema.safeParse(part.data);
    if (!run.success) return undefined;
    return {
      type: "text" as const,
      text: `[The person started run ${run.data.runId} of workflow ${run.data.workflowId} ("${run.data.title}"); its record is readable with getRun.]`,
    };
  }
  const parsed = part.type === "data-plan" ? planDataSchema.safeParse(part.data) : undefined;
  if (!parsed?.success) return undefined;
  const { workflowId, version } = parsed.data;
  return {
    type: "text" as const,
    text: `[The person edited workflow ${workflowId} by hand and saved it as version ${version}, a draft awaiting their approval.]`,
  };
}

async function loadHistory(threadId: string): Promise<ChatMessage[]> {
  const rows = await getMessages({ threadId });
  return rows.map((row) => ({
    id: row.id,
    role: row.role,
    parts: row.parts as ChatMessage["parts"],
    metadata: (row.metadata ?? undefined) as ChatMessage["metadata"],
  }));
}
