// Where a message the thread's live stream brings goes in the list the page shows.
import { describe, expect, it } from "vitest";
import { upsertMessage } from "@/app/(chat)/_components/run/live-provider";
import type { ChatMessage } from "@/lib/ai/types";

const at = (iso: string) => Date.parse(iso) * 1000;

function message(id: string, metadata: ChatMessage["metadata"] = {}): ChatMessage {
  return { id, role: "assistant", parts: [{ type: "text", text: id }], metadata };
}

const ids = (messages: ChatMessage[]) => messages.map((m) => m.id);

describe("upsertMessage", () => {
  const person = message("person", { createdAt: "2026-12-01T07:30:05.000Z" });
  const card = message("card", { order: at("2026-12-01T07:30:00.000Z") });

  it("replaces a message it already shows, in place", () => {
    const changed = message("card", { order: at("2026-12-01T07:30:00.000Z"), runId: "r" });
    const next = upsertMessage([card, person], changed);
    expect(ids(next)).toEqual(["card", "person"]);
    expect(next[0]).toBe(changed);
  });

  it("puts a run's post at the run's place, before what was written after the run started", () => {
    const post = message("post", { order: at("2026-12-01T07:30:00.000Z") + 200 });
    expect(ids(upsertMessage([card, person], post))).toEqual(["card", "post", "person"]);
  });

  it("keeps a run's posts in plan order whatever order they arrive in", () => {
    const second = message("second", { order: at("2026-12-01T07:30:00.000Z") + 300 });
    const first = message("first", { order: at("2026-12-01T07:30:00.000Z") + 200 });
    const list = [second, first].reduce(upsertMessage, [card]);
    expect(ids(list)).toEqual(["card", "first", "second"]);
  });

  it("appends a message newer than everything shown", () => {
    const summary = message("summary", { order: at("2026-12-01T07:31:00.000Z") });
    expect(ids(upsertMessage([card, person], summary))).toEqual(["card", "person", "summary"]);
  });

  it("never moves past a message without a time (a reply still streaming)", () => {
    const streaming = message("streaming");
    const post = message("post", { order: at("2026-12-01T07:30:00.000Z") + 200 });
    expect(ids(upsertMessage([card, person, streaming], post))).toEqual([
      "card",
      "person",
      "streaming",
      "post",
    ]);
  });
});
