// The person's answers to confirmation cards, applied to the stored reply: only an id and a
// yes/no come from the browser, and only for a request that is waiting in the newest reply.
import { describe, expect, it } from "vitest";
import {
  answeredApprovals,
  applyApprovalDecisions,
  closeUnansweredApprovals,
  DECLINED_REASON,
  outsideDataInTurn,
  personText,
  SUPERSEDED_REASON,
} from "@/lib/ai/approvals";
import type { ChatMessage } from "@/lib/ai/types";

const workflowId = "11111111-1111-4111-8111-111111111111";
const runId = "44444444-4444-4444-8444-444444444444";

const person = (text: string, id = "u1"): ChatMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

const asking = (approvalId = "ap1", id = "a1"): ChatMessage => ({
  id,
  role: "assistant",
  parts: [
    { type: "step-start" },
    {
      type: "tool-runWorkflow",
      toolCallId: `call-${approvalId}`,
      state: "approval-requested",
      input: { workflowId, inputs: { name: "Mallory" } },
      approval: { id: approvalId, requestReason: "Your message did not ask to run a workflow." },
    },
  ],
});

const post: ChatMessage = {
  id: `run_${runId}_summary`,
  role: "assistant",
  parts: [{ type: "text", text: "**Greeting**: the run succeeded." }],
  metadata: { runId, postedBy: "workflow" },
};

const toolPart = (message: ChatMessage) =>
  message.parts.find((p) => p.type === "tool-runWorkflow") as Extract<
    ChatMessage["parts"][number],
    { type: "tool-runWorkflow" }
  >;

describe("answering a confirmation", () => {
  it("applies the decision to the stored call and keeps its input as the model made it", () => {
    const history = [person("hi"), asking()];
    const { message, index } = applyApprovalDecisions(history, [{ id: "ap1", approved: true }]);
    expect(index).toBe(1);
    expect(toolPart(message)).toMatchObject({
      state: "approval-responded",
      input: { workflowId, inputs: { name: "Mallory" } },
      approval: { id: "ap1", approved: true },
    });
  });

  it("tells the model the person declined", () => {
    const { message } = applyApprovalDecisions(
      [person("hi"), asking()],
      [{ id: "ap1", approved: false }],
    );
    expect(toolPart(message).approval).toMatchObject({ approved: false, reason: DECLINED_REASON });
  });

  it("finds the reply behind workflow posts that arrived after it", () => {
    const { index } = applyApprovalDecisions(
      [person("hi"), asking(), post],
      [{ id: "ap1", approved: true }],
    );
    expect(index).toBe(1);
  });

  it.each<[string, ChatMessage[], { id: string; approved: boolean }[]]>([
    ["an id no request has", [person("hi"), asking()], [{ id: "forged", approved: true }]],
    ["no decision for a waiting request", [person("hi"), asking("ap1")], []],
    [
      "the same request twice",
      [person("hi"), asking()],
      [
        { id: "ap1", approved: true },
        { id: "ap1", approved: false },
      ],
    ],
    [
      "a request the person wrote past",
      [person("hi"), asking(), person("never mind", "u2")],
      [{ id: "ap1", approved: true }],
    ],
    [
      "a request of an older reply",
      [person("hi"), asking("ap1", "a1"), person("and?", "u2"), asking("ap2", "a2")],
      [{ id: "ap1", approved: true }],
    ],
    [
      "a request already answered",
      [
        person("hi"),
        applyApprovalDecisions([person("hi"), asking()], [{ id: "ap1", approved: false }]).message,
      ],
      [{ id: "ap1", approved: true }],
    ],
  ])("refuses %s", (_, history, decisions) => {
    expect(() => applyApprovalDecisions(history, decisions)).toThrow(
      expect.objectContaining({ code: "conflict:chat" }),
    );
  });
});

describe("a new message instead of an answer", () => {
  it("closes the waiting request as not confirmed and leaves other messages alone", () => {
    const closed = closeUnansweredApprovals([person("hi"), asking(), post, person("other")]);
    expect(closed).toHaveLength(1);
    expect(toolPart(closed[0])).toMatchObject({
      state: "output-denied",
      approval: { id: "ap1", approved: false, reason: SUPERSEDED_REASON },
    });
  });
});

describe("the browser's side of the round trip", () => {
  it("sends only the ids and decisions of the answered requests", () => {
    const answered = applyApprovalDecisions(
      [person("hi"), asking()],
      [{ id: "ap1", approved: true }],
    ).message;
    expect(answeredApprovals([person("hi"), answered], "a1")).toEqual([
      { id: "ap1", approved: true },
    ]);
    expect(answeredApprovals([person("hi")], "u1")).toBeUndefined();
  });
});

describe("the turn so far", () => {
  it("counts a workflow post or a run record after the person's message as outside data", () => {
    expect(outsideDataInTurn([post, person("run the greeting")])).toBe(false);
    expect(outsideDataInTurn([person("run the greeting"), post])).toBe(true);
    const readRun: ChatMessage = {
      id: "a3",
      role: "assistant",
      parts: [
        {
          type: "tool-getRun",
          toolCallId: "c3",
          state: "output-available",
          input: { runId },
          output: { ok: true },
        },
      ],
    };
    expect(outsideDataInTurn([person("why did it fail"), readRun])).toBe(true);
  });

  it("takes the person's own latest words", () => {
    expect(personText([person("first"), asking(), post, person("second", "u2")])).toBe("second");
  });
});
