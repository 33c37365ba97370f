import { describe, expect, it } from "vitest";
import { mergeLatestPage, runCardLayout } from "@/app/(chat)/_components/thread-paging";
import { regenerableReply } from "@/lib/ai/regenerate";
import type { ChatMessage } from "@/lib/ai/types";

const person = (id: string): ChatMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text: id }],
});
const reply = (id: string, parts: ChatMessage["parts"] = [{ type: "text", text: id }]) =>
  ({ id, role: "assistant", parts }) as ChatMessage;
const post = (runId: string, unit: string): ChatMessage => ({
  id: `run_${runId}_${unit}`,
  role: "assistant",
  parts: [{ type: "text", text: unit }],
  metadata: { postedBy: "workflow", runId, workflowTitle: "Digest" },
});
const card = (runId: string, outcome = true): ChatMessage =>
  ({
    id: `run_${runId}_card`,
    role: "assistant",
    parts: [
      {
        type: "data-run",
        id: runId,
        data: {
          runId,
          workflowId: runId,
          title: "Digest",
          ...(outcome ? { outcome: { status: "succeeded", finishedAt: "x", durationMs: 1 } } : {}),
        },
      },
    ],
    metadata: { postedBy: "workflow", runId },
  }) as ChatMessage;
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("regenerate applies to", () => {
  it("the assistant's last text reply, past the posts that came after it", () => {
    const messages = [person("p1"), reply("r1"), post(A, "post"), post(A, "summary")];
    expect(regenerableReply(messages)?.id).toBe("r1");
  });

  it("nothing when the last reply holds a plan or a run", () => {
    const planned = reply("r1", [
      { type: "text", text: "Saved." },
      {
        type: "tool-proposeWorkflow",
        toolCallId: "c1",
        state: "output-available",
        input: { plan: {} },
        output: {},
      } as never,
    ]);
    expect(regenerableReply([person("p1"), planned, post(A, "summary")])).toBeUndefined();
    expect(regenerableReply([person("p1"), post(A, "summary")])).toBeUndefined();
    expect(regenerableReply([reply("r0")])).toBeUndefined();
  });
});

describe("the thread's run layout", () => {
  it("opens each run's posts with one header, also below the run's card", () => {
    const messages = [card(A), post(A, "a"), post(A, "b"), post(B, "a"), post(A, "summary")];
    expect(runCardLayout(messages).headers).toEqual([false, true, false, true, true]);
  });

  it("collapses finished run cards older than the newest three", () => {
    const runs = ["1", "2", "3", "4", "5"].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
    const { collapsible } = runCardLayout(runs.map((r) => card(r)));
    expect(collapsible).toEqual([true, true, false, false, false]);
  });

  it("keeps older pages and drops what the newest page no longer holds", () => {
    const all = [person("p0"), reply("r0"), person("p1"), reply("old-reply")];
    const latest = [person("p1"), post(A, "post"), reply("new-reply")];
    expect(mergeLatestPage(all, latest).map((m) => m.id)).toEqual([
      "p0",
      "r0",
      "p1",
      `run_${A}_post`,
      "new-reply",
    ]);
  });
});
