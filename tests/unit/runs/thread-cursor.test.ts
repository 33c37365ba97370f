// The thread live stream's resume cursor (Last-Event-ID): what it sends, it takes back; what
// it did not send, it refuses (the route answers 400).
import { describe, expect, it } from "vitest";
import { CURSOR_MAX_RUNS, formatThreadCursor, parseThreadCursor } from "@/lib/runs/thread-wire";

const run = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("thread live cursor", () => {
  it("reads back what it wrote: the message sequence and each run's seq", () => {
    const cursor = {
      messages: 12,
      runs: new Map([
        [run(1), 34],
        [run(2), 0],
      ]),
    };
    const text = formatThreadCursor(cursor);
    expect(text).toBe(`12,${run(1)}:34,${run(2)}:0`);
    expect(parseThreadCursor(text)).toEqual(cursor);
    expect(parseThreadCursor("0")).toEqual({ messages: 0, runs: new Map() });
  });

  it("names at most CURSOR_MAX_RUNS runs (the rest resume from now)", () => {
    const runs = new Map(Array.from({ length: CURSOR_MAX_RUNS + 5 }, (_, i) => [run(i), i]));
    const parsed = parseThreadCursor(formatThreadCursor({ messages: 1, runs }));
    expect(parsed?.runs.size).toBe(CURSOR_MAX_RUNS);
  });

  it.each([
    ["", "empty"],
    ["abc", "not a number"],
    ["-1", "negative"],
    ["1.5", "fraction"],
    ["99999999999", "too large"],
    ["1,", "empty run entry"],
    ["1,nope:2", "run id not a uuid"],
    [`1,${run(1)}`, "run without seq"],
    [`1,${run(1)}:x`, "seq not a number"],
    [`1,${run(1)}:2:3`, "extra part"],
    [`1${`,${run(1)}:1`.repeat(CURSOR_MAX_RUNS + 1)}`, "too many runs"],
  ])("refuses %j (%s)", (text) => {
    expect(parseThreadCursor(text)).toBeUndefined();
  });
});
