// Run metadata parsing: where an update lands (run or step), what a request may carry, and the
// estimated cost added to the SDK's AI usage.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  entriesOfOp,
  entriesOfRequest,
  MetadataError,
  stepHash,
  withEstimatedCost,
} from "@/inngest/local/run-metadata";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const score = { kind: "inngest.score", op: "merge", values: { q: { value: 1 } } };

describe("run metadata", () => {
  it("hashes a step's own id as the SDK does, with its index for a repeated id", () => {
    expect(stepHash("answer")).toBe(sha1("answer"));
    expect(stepHash("answer", 0)).toBe(sha1("answer"));
    expect(stepHash("answer", 2)).toBe(sha1("answer:2"));
  });

  it("puts a request's update on the run, a step or a step's span", () => {
    expect(entriesOfRequest("r1", { target: { run_id: "r1" }, metadata: [score] })).toEqual([
      { step: "", scope: "run", kind: "inngest.score", values: { q: { value: 1 } } },
    ]);
    const [step] = entriesOfRequest("r1", {
      target: { run_id: "r1", step_id: "a", step_index: 1, step_attempt: 0 },
      metadata: [score],
    });
    expect(step).toMatchObject({ step: sha1("a:1"), scope: "step" });
    const [span] = entriesOfRequest("r1", {
      target: { run_id: "r1", step_id: "a", step_attempt: 0, span_id: "s" },
      metadata: [score],
    });
    expect(span).toMatchObject({ step: sha1("a"), scope: "extended_trace" });
  });

  it("refuses a request for another run, of an unknown kind or op, or without values", () => {
    const bad: unknown[] = [
      undefined,
      { target: { run_id: "r2" }, metadata: [score] },
      { target: { run_id: "r1" }, metadata: [] },
      { target: { run_id: "r1" }, metadata: Array(21).fill(score) },
      { target: { run_id: "r1" }, metadata: [{ ...score, kind: "custom" }] },
      { target: { run_id: "r1" }, metadata: [{ ...score, op: "set" }] },
      { target: { run_id: "r1" }, metadata: [{ ...score, values: "x" }] },
      { target: { run_id: "r1", step_id: "" }, metadata: [score] },
      { target: { run_id: "r1", step_id: "a", step_index: 1.5 }, metadata: [score] },
    ];
    for (const body of bad) expect(() => entriesOfRequest("r1", body)).toThrow(MetadataError);
  });

  it("routes an op's updates by scope and drops malformed ones", () => {
    const entries = entriesOfOp({
      id: "h",
      op: "StepRun",
      metadata: [
        { kind: "inngest.score", scope: "step", values: { a: 1 } },
        { kind: "inngest.score", scope: "run", values: { b: 2 } },
        { kind: "bogus", scope: "run", values: {} },
      ],
    });
    expect(entries).toEqual([
      { step: "h", scope: "step", kind: "inngest.score", values: { a: 1 } },
      { step: "", scope: "run", kind: "inngest.score", values: { b: 2 } },
    ]);
  });

  it("adds the estimated cost of AI usage from list prices; 0 for an unpriced model", () => {
    const usage = { input_tokens: 1_000_000, output_tokens: 500_000 };
    expect(
      withEstimatedCost({ ...usage, response_model: "gpt-4o-2024-08-06" }).estimated_cost,
    ).toBe(2.5 + 5);
    expect(
      withEstimatedCost({ ...usage, request_model: "gpt-4o-mini" }).estimated_cost,
    ).toBeCloseTo(0.15 + 0.3);
    expect(withEstimatedCost({ ...usage, response_model: "some-new-model" }).estimated_cost).toBe(
      0,
    );
    expect(withEstimatedCost({ ...usage, estimated_cost: 9 }).estimated_cost).toBe(9);
  });
});
