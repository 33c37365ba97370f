import { describe, expect, it } from "vitest";
import { receivedEventMeta } from "@/inngest/local/event-meta";

describe("receivedEventMeta", () => {
  it("stringifies session ids and drops what is not one", () => {
    expect(
      receivedEventMeta({ sessions: { a: 1, b: "x", c: true, d: {}, e: Number.NaN } }),
    ).toEqual({ sessions: { a: "1", b: "x" } });
  });
  it("merges manual sessions over propagated ones (manual wins, null cuts)", () => {
    expect(
      receivedEventMeta({
        propagated_sessions: { a: "p", b: "p", c: 3 },
        sessions: { a: "m", b: null },
      }),
    ).toEqual({ sessions: { a: "m", c: "3" } });
  });
  it("clears every inherited session when sessions is null", () => {
    expect(receivedEventMeta({ propagated_sessions: { a: "p" }, sessions: null })).toBeUndefined();
  });
  it("carries no meta for nothing, a non-object or no sessions left", () => {
    for (const meta of [
      undefined,
      null,
      "x",
      [1],
      {},
      { sessions: {} },
      { sessions: { a: null } },
    ]) {
      expect(receivedEventMeta(meta)).toBeUndefined();
    }
  });
});
