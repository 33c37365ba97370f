// What a run card's live region says as its run changes: meaningful changes only.
import { describe, expect, it } from "vitest";
import { type RunSnapshot, runAnnouncements } from "@/lib/runs/announce";
import type { RunStatus } from "@/lib/runs/status";
import type { UnitState } from "@/lib/runs/timeline";

function snapshot(
  status: RunStatus,
  states: [string, UnitState][],
  {
    error = null,
    failure = [],
    fresh = true,
  }: { error?: string | null; failure?: [string, UnitState][]; fresh?: boolean } = {},
): RunSnapshot {
  return {
    status,
    fresh,
    error,
    steps: [
      ...states.map(([id, state]) => ({
        id,
        label: id === "ask" ? "Approve the release" : id,
        state,
        onFailure: false,
        waitingFor: id === "ask" ? "an approval" : null,
      })),
      ...failure.map(([id, state]) => ({
        id,
        label: id,
        state,
        onFailure: true,
        waitingFor: null,
      })),
    ],
  };
}

describe("run announcements", () => {
  it("says a run under way started when its card loads, and nothing for a finished one", () => {
    const queued = snapshot("queued", [
      ["share", "pending"],
      ["ask", "pending"],
    ]);
    expect(runAnnouncements(null, queued)).toEqual(["Run started."]);
    const done = snapshot("succeeded", [
      ["share", "succeeded"],
      ["ask", "succeeded"],
    ]);
    expect(runAnnouncements(null, done)).toEqual([]);
  });

  it("says how far a run just started has got, and what it waits for, when its card loads", () => {
    const states: [string, UnitState][] = [
      ["share", "succeeded"],
      ["ask", "waiting"],
      ["announce", "pending"],
    ];
    expect(runAnnouncements(null, snapshot("waiting", states))).toEqual([
      "Run started: 1 of 3 steps done.",
      "Step 2 of 3 waiting for an approval: Approve the release.",
    ]);
    // An older run (a page opened later) is under way, not starting.
    expect(runAnnouncements(null, snapshot("waiting", states, { fresh: false }))).toEqual([
      "Run under way: 1 of 3 steps done.",
      "Step 2 of 3 waiting for an approval: Approve the release.",
    ]);
  });

  it("says each step that settles or starts waiting, with its place in the run", () => {
    const before = snapshot("running", [
      ["share", "running"],
      ["ask", "pending"],
      ["announce", "pending"],
    ]);
    const after = snapshot("waiting", [
      ["share", "succeeded"],
      ["ask", "waiting"],
      ["announce", "pending"],
    ]);
    expect(runAnnouncements(before, after)).toEqual([
      "Step 1 of 3 done: share.",
      "Step 2 of 3 waiting for an approval: Approve the release.",
    ]);
  });

  it("says nothing when no state changed (a clock tick)", () => {
    const same = snapshot("running", [["fetch", "running"]]);
    expect(runAnnouncements(same, { ...same, steps: [...same.steps] })).toEqual([]);
  });

  it("says nothing for a step that only starts running", () => {
    const before = snapshot("running", [["fetch", "pending"]]);
    const after = snapshot("running", [["fetch", "running"]]);
    expect(runAnnouncements(before, after)).toEqual([]);
  });

  it("says a failed step, a retry, the failure steps and how the run ended", () => {
    const running = snapshot("running", [["fetch", "running"]], {
      failure: [["alert", "pending"]],
    });
    const retrying = snapshot("running", [["fetch", "retrying"]], {
      failure: [["alert", "pending"]],
    });
    expect(runAnnouncements(running, retrying)).toEqual(["Step 1 of 1 failed, retrying: fetch."]);
    const failed = snapshot("failed", [["fetch", "failed"]], {
      error: "HTTP 503",
      failure: [["alert", "succeeded"]],
    });
    expect(runAnnouncements(retrying, failed)).toEqual([
      "Step 1 of 1 failed: fetch.",
      "Failure step done: alert.",
      "Run failed: HTTP 503",
    ]);
  });

  it("says a run succeeded or was cancelled once, not each step the cancel ended", () => {
    const waiting = snapshot("waiting", [
      ["share", "succeeded"],
      ["ask", "waiting"],
      ["announce", "pending"],
    ]);
    const cancelled = snapshot("cancelled", [
      ["share", "succeeded"],
      ["ask", "cancelled"],
      ["announce", "not-run"],
    ]);
    expect(runAnnouncements(waiting, cancelled)).toEqual(["Run cancelled."]);
    // A run cancelled with a reason (its parent run's end, a skip) says why.
    const withParent = snapshot("cancelled", [["share", "cancelled"]], {
      error: "Cancelled with its parent run p1",
    });
    expect(runAnnouncements(waiting, withParent)).toEqual([
      "Run cancelled: Cancelled with its parent run p1",
    ]);
    const succeeded = snapshot("succeeded", [
      ["share", "succeeded"],
      ["ask", "succeeded"],
      ["announce", "skipped"],
    ]);
    expect(runAnnouncements(waiting, succeeded)).toEqual([
      "Step 2 of 3 done: Approve the release.",
      "Step 3 of 3 skipped: announce.",
      "Run succeeded.",
    ]);
    expect(runAnnouncements(succeeded, succeeded)).toEqual([]);
  });
});
