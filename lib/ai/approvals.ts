// The person's answers to confirmation cards, applied to the stored thread. The browser sends
// only which request (its approval id) and the decision; the tool, its input and the request
// itself come from the assistant message the server stored when the model made the call.
import { isToolUIPart } from "ai";
import { AppError } from "@/lib/errors";
import { isWorkflowPost } from "./model-history";
import { OUTSIDE_DATA_TOOLS } from "./tools/run-tool-types";
import type { ChatMessage } from "./types";

export interface ApprovalDecision {
  id: string;
  approved: boolean;
}

/** What the model reads when the person says no. */
export const DECLINED_REASON =
  "The person declined: it was not done. Do not try again unless they ask.";

/** What the model reads when the person wrote something else instead of answering. */
export const SUPERSEDED_REASON =
  "The person did not confirm (they sent a new message instead): it was not done.";

const NO_REPORT = "The confirmed action did not report back: check the runs before trying again.";

type Part = ChatMessage["parts"][number];
type ToolPart = Extract<Part, { toolCallId: string }>;

const isToolPart = (part: Part): part is ToolPart => isToolUIPart(part);

/** The model's newest reply, if the person has not written since (workflow posts aside). */
function latestReply(history: ChatMessage[]): { message: ChatMessage; index: number } | undefined {
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index];
    if (message.role === "user") return undefined;
    if (message.role === "assistant" && !isWorkflowPost(message)) return { message, index };
  }
  return undefined;
}

/**
 * The stored reply the decisions answer, with them applied: every decision must name a request
 * waiting in the model's newest reply (after the person's last message), and every waiting
 * request in it must be answered. Anything else (a forged id, one from another thread, an
 * answered or superseded request) is refused, and nothing is applied.
 */
export function applyApprovalDecisions(
  history: ChatMessage[],
  decisions: ApprovalDecision[],
): { message: ChatMessage; index: number } {
  const reply = latestReply(history);
  const waiting = new Map(
    (reply?.message.parts ?? [])
      .filter(isToolPart)
      .filter((part) => part.state === "approval-requested")
      .map((part) => [part.approval?.id, part] as const),
  );
  const answered = new Map<string, boolean>();
  for (const decision of decisions) {
    if (!waiting.has(decision.id) || answered.has(decision.id)) {
      throw new AppError(
        "conflict:chat",
        "This confirmation is not waiting for an answer. Reload the conversation to see its state.",
      );
    }
    answered.set(decision.id, decision.approved);
  }
  if (!reply || answered.size !== waiting.size) {
    throw new AppError("conflict:chat", "Answer every confirmation of the reply at once.");
  }
  const parts = reply.message.parts.map((part): Part => {
    if (!isToolPart(part) || part.state !== "approval-requested") return part;
    const approved = answered.get(part.approval.id) === true;
    return {
      ...part,
      state: "approval-responded",
      approval: {
        ...part.approval,
        approved,
        ...(approved ? {} : { reason: DECLINED_REASON }),
      },
    } as Part;
  });
  return { message: { ...reply.message, parts }, index: reply.index };
}

/**
 * Replies whose confirmations were left unanswered when the person wrote something new, closed:
 * an unanswered request becomes declined (nothing ran), a decision whose result never came back
 * becomes an error. Returns only the messages that changed.
 */
export function closeUnansweredApprovals(history: ChatMessage[]): ChatMessage[] {
  const changed: ChatMessage[] = [];
  for (const message of history) {
    if (message.role !== "assistant") continue;
    let touched = false;
    const parts = message.parts.map((part): Part => {
      if (!isToolPart(part)) return part;
      if (part.state === "approval-requested") {
        touched = true;
        return {
          ...part,
          state: "output-denied",
          approval: { ...part.approval, approved: false, reason: SUPERSEDED_REASON },
        } as Part;
      }
      if (part.state === "approval-responded") {
        touched = true;
        return part.approval.approved
          ? ({
              ...part,
              state: "output-error",
              errorText: NO_REPORT,
              approval: { ...part.approval, approved: true },
            } as Part)
          : ({
              ...part,
              state: "output-denied",
              approval: { ...part.approval, approved: false },
            } as Part);
      }
      return part;
    });
    if (touched) changed.push({ ...message, parts });
  }
  return changed;
}

/**
 * Whether outside data is already part of the current turn: a workflow post, or the result of a
 * tool that carries outside text, after the person's last message.
 */
export function outsideDataInTurn(history: ChatMessage[]): boolean {
  const since = history.findLastIndex((m) => m.role === "user");
  return history
    .slice(since + 1)
    .some(
      (message) =>
        isWorkflowPost(message) ||
        message.parts.some(
          (part) =>
            isToolPart(part) &&
            part.state === "output-available" &&
            OUTSIDE_DATA_TOOLS.has(part.type.slice("tool-".length)),
        ),
    );
}

/** The person's own latest message, as typed. */
export function personText(history: ChatMessage[]): string {
  const message = history.findLast((m) => m.role === "user");
  return (message?.parts ?? []).map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

/**
 * The decisions the browser sends when it continues a reply (`useChat` after
 * `addToolApprovalResponse`): id and yes/no of each answered request, nothing else.
 */
export function answeredApprovals(
  messages: ChatMessage[],
  messageId: string | undefined,
): ApprovalDecision[] | undefined {
  const message = messages.find((m) => m.id === messageId);
  if (message?.role !== "assistant") return undefined;
  const decisions = message.parts.flatMap((part) =>
    isToolPart(part) && part.state === "approval-responded"
      ? [{ id: part.approval.id, approved: part.approval.approved }]
      : [],
  );
  return decisions.length > 0 ? decisions : undefined;
}
