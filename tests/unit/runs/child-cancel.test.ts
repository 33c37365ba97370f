// The reason a child run ends with when its parent run ends (lib/runs/child-cancel.ts), and
// the log line a cancelled run ends with (records.ts `cancelledWords`).
import { describe, expect, it } from "vitest";
import { ownReasonOf, withParentReason } from "@/lib/runs/child-cancel";
import { cancelledWords } from "@/lib/runs/records";
import { describeFinishedRun } from "@/lib/runs/thread-messages";

describe("a child run's reason", () => {
  it("names the parent, and the parent's own reason when it had one", () => {
    expect(withParentReason("p1")).toEqual({
      message: "Cancelled with its parent run p1",
      parentRunId: "p1",
    });
    expect(withParentReason("p1", "Run exceeded its 2 s time limit")).toEqual({
      message: "Cancelled with its parent run p1: Run exceeded its 2 s time limit",
      parentRunId: "p1",
    });
  });

  it("repeats a parent's time limit, replace or failure, not a plain cancel nor its own parent", () => {
    const timedOut = { message: "Run exceeded its 2 s time limit", timedOut: true };
    expect(ownReasonOf({ status: "failed", error: timedOut })).toBe(timedOut.message);
    expect(
      ownReasonOf({ status: "cancelled", error: { message: "Replaced by a newer run (r2)" } }),
    ).toBe("Replaced by a newer run (r2)");
    expect(ownReasonOf({ status: "cancelled", error: null })).toBeUndefined();
    expect(
      ownReasonOf({ status: "cancelled", error: withParentReason("grandparent") }),
    ).toBeUndefined();
    // A parent still going has no reason of its own yet.
    expect(ownReasonOf({ status: "running", error: { message: "x" } })).toBeUndefined();
  });

  it("ends a cancelled run's log with its reason", () => {
    expect(cancelledWords(undefined)).toBe("Run cancelled");
    expect(cancelledWords("Cancelled with its parent run p1")).toBe(
      "Run cancelled with its parent run p1",
    );
    expect(cancelledWords("Skipped: another run was still going")).toBe(
      "Run cancelled: Skipped: another run was still going",
    );
  });

  it("says why in the thread's summary of a run cancelled with a reason", () => {
    const at = new Date("2026-12-01T10:00:00Z");
    const run = { startedAt: at, createdAt: at, finishedAt: new Date(at.getTime() + 3_000) };
    expect(
      describeFinishedRun({
        title: "Napper",
        run: { ...run, status: "cancelled", error: withParentReason("p1") },
        stepCount: 1,
      }),
    ).toBe(
      "**Napper**: the run was cancelled in 3 s (1 step ran): Cancelled with its parent run p1",
    );
    expect(
      describeFinishedRun({
        title: "Napper",
        run: { ...run, status: "cancelled", error: null },
        stepCount: 1,
      }),
    ).toBe("**Napper**: the run was cancelled in 3 s (1 step ran).");
  });
});
