// How a reply's failed plan attempts ended, read from its parts alone (so a reload reads it too).
import { describe, expect, it } from "vitest";
import { repairOutcomes } from "@/lib/ai/planner-outcomes";
import type { ChatMessage } from "@/lib/ai/types";

type Part = ChatMessage["parts"][number];

const failed = (attempt: number, gaveUp = false) =>
  ({
    type: "tool-proposeWorkflow",
    toolCallId: `call_${attempt}`,
    state: "output-available",
    input: { plan: {} },
    output: {
      ok: false,
      errors: [{ path: "steps", message: "bad" }],
      attempt,
      maxAttempts: 3,
      gaveUp,
      message: "fix it",
    },
  }) as unknown as Part;
const saved = (version: number, type = "tool-proposeWorkflow") =>
  ({
    type,
    toolCallId: `saved_${version}`,
    state: "output-available",
    input: { plan: {} },
    output: {
      ok: true,
      workflowId: "w",
      versionId: "v",
      version,
      title: "T",
      summary: "",
      warnings: [],
    },
  }) as unknown as Part;
const pending = {
  type: "tool-proposeWorkflow",
  toolCallId: "p",
  state: "input-available",
  input: {},
} as unknown as Part;
const unreadable = {
  type: "dynamic-tool",
  toolName: "proposeWorkflow",
  toolCallId: "d",
  state: "output-error",
  input: "{",
  errorText: "JSON parsing failed",
} as unknown as Part;
const words = (text: string) => ({ type: "text", text }) as Part;

describe("repair outcomes", () => {
  it("ends a failed attempt as fixed in the attempt that saved the plan, on reload too", () => {
    const parts = [failed(1), saved(1), words("Here it is.")];
    for (const streaming of [true, false]) {
      expect([...repairOutcomes(parts, { streaming })]).toEqual([
        [0, { kind: "fixed", attempt: 2, version: 1 }],
      ]);
    }
  });

  it("counts every failure before the fix, an unreadable call included", () => {
    const parts = [failed(1), unreadable, failed(2), saved(2, "tool-reviseWorkflow")];
    expect(repairOutcomes(parts, { streaming: false })).toEqual(
      new Map([
        [0, { kind: "fixed", attempt: 4, version: 2 }],
        [1, { kind: "fixed", attempt: 4, version: 2 }],
        [2, { kind: "fixed", attempt: 4, version: 2 }],
      ]),
    );
  });

  it("says fixing while the next attempt is on its way, and nothing for the refusal itself", () => {
    expect([...repairOutcomes([failed(1), pending], { streaming: true })]).toEqual([
      [0, { kind: "fixing" }],
    ]);
    expect([...repairOutcomes([failed(1)], { streaming: true })]).toEqual([
      [0, { kind: "fixing" }],
    ]);
    const refused = repairOutcomes([failed(1), failed(2), failed(3, true)], { streaming: false });
    expect([...refused]).toEqual([
      [0, { kind: "refused", maxAttempts: 3 }],
      [1, { kind: "refused", maxAttempts: 3 }],
    ]);
  });

  it("ends as stopped when the reply ended without another attempt", () => {
    expect([...repairOutcomes([failed(1), words("What URL?")], { streaming: false })]).toEqual([
      [0, { kind: "stopped" }],
    ]);
  });
});
