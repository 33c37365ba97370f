// The run card's timeline as a specification: which state each plan step is in, derived from
// the run's step attempts and log, and the order the steps are listed in.
import { describe, expect, it } from "vitest";
import { childRunId } from "@/inngest/functions/child-runs";
import type { Plan } from "@/lib/plan/schema";
import type { RunStatus } from "@/lib/runs/status";
import { buildTimeline, skipReason, waterfallBars } from "@/lib/runs/timeline";
import { childRunIdOf } from "@/lib/runs/view";
import { toWireRunPlan, type WireEvent, type WireRunView, type WireStep } from "@/lib/runs/wire";

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const plan: Plan = {
  version: 1,
  title: "Weekday incident digest",
  trigger: { type: "manual" },
  steps: [
    { id: "post", action: "chat.post", title: "Post the digest", after: ["sev1", "each"] },
    {
      id: "fetch",
      action: "http.request",
      title: "Fetch open incidents",
      retry: { attempts: 3, delay: "2s", backoff: "fixed" },
    },
    { id: "sev1", action: "transform", title: "Pick sev1", after: ["fetch"], if: "$count(x) > 0" },
    {
      id: "each",
      action: "transform",
      after: ["fetch"],
      forEach: "steps.fetch.output",
      maxItems: 10,
    },
    { id: "approve", action: "wait.approval", title: "Ask before posting", after: ["post"] },
  ],
  onFailure: [{ id: "alert", action: "chat.post", title: "Tell me it failed" }],
};

let ids = 0;
function attempt(over: Partial<WireStep> & Pick<WireStep, "stepId" | "status">): WireStep {
  ids += 1;
  return {
    id: `row-${ids}`,
    iteration: -1,
    attempt: 1,
    input: null,
    output: null,
    error: null,
    startedAt: at(0),
    finishedAt: null,
    durationMs: null,
    ...over,
  };
}

function view(
  status: RunStatus,
  steps: WireStep[],
  events: WireEvent[] = [],
  over: Partial<WireRunView> = {},
): WireRunView {
  return {
    run: {
      id: "run-1",
      workflowId: "wf-1",
      status,
      error: null,
      output: null,
      startedAt: at(0),
      finishedAt: ["succeeded", "failed", "cancelled"].includes(status) ? at(10_000) : null,
      createdAt: at(0),
    },
    steps,
    events,
    plan: toWireRunPlan(plan, 3),
    workflowTitle: "Weekday incident digest",
    ...over,
  };
}

const entry = (seq: number, data: Record<string, unknown>, stepId?: string): WireEvent => ({
  seq,
  at: at(seq),
  level: "info",
  stepId: stepId ?? String(data.unitId ?? "").split("#")[0],
  message: "",
  data,
});

const stateOf = (v: WireRunView, id: string) =>
  buildTimeline(v, T0 + 5000).steps.find((s) => s.step.id === id);

describe("the timeline's order", () => {
  it("lists every plan step in run order, ties in plan order, onFailure steps last", () => {
    const timeline = buildTimeline(view("queued", []), T0);
    expect(timeline.steps.map((s) => s.step.id)).toEqual([
      "fetch",
      "sev1",
      "each",
      "post",
      "approve",
      "alert",
    ]);
    expect(timeline.steps.map((s) => s.label)).toEqual([
      "Fetch open incidents",
      "Pick sev1",
      "each",
      "Post the digest",
      "Ask before posting",
      "Tell me it failed",
    ]);
    expect(timeline.steps.every((s) => s.state === "pending")).toBe(true);
    expect(timeline.progress).toEqual({ settled: 0, total: 5 });
  });

  it("carries what the card needs of each step", () => {
    const [fetch, sev1, each, , approve, alert] = toWireRunPlan(plan, 3).steps;
    expect(fetch).toMatchObject({ attempts: 3, retry: { backoff: "fixed", delay: "2s" } });
    expect(sev1).toMatchObject({ condition: "$count(x) > 0", after: ["fetch"] });
    expect(each).toMatchObject({ loop: true, attempts: 1, retry: null });
    expect(approve).toMatchObject({ kind: "wait" });
    expect(alert).toMatchObject({ phase: "onFailure" });
  });

  it("lists a step the plan does not know (an unreadable plan) after the plan's", () => {
    const v = view("running", [attempt({ stepId: "legacy", status: "running" })], [], {
      plan: null,
    });
    expect(buildTimeline(v).steps.map((s) => [s.step.id, s.state])).toEqual([
      ["legacy", "running"],
    ]);
  });
});

describe("a step's state", () => {
  it("is running while its attempt runs, succeeded once it did", () => {
    const running = view("running", [attempt({ stepId: "fetch", status: "running" })]);
    expect(stateOf(running, "fetch")?.state).toBe("running");
    expect(stateOf(running, "fetch")?.attempt).toEqual({ current: 1, of: 3 });
    const done = view("running", [
      attempt({ stepId: "fetch", status: "succeeded", finishedAt: at(900) }),
    ]);
    expect(stateOf(done, "fetch")).toMatchObject({ state: "succeeded", finishedAt: at(900) });
    expect(buildTimeline(done).progress).toEqual({ settled: 1, total: 5 });
  });

  it("is retrying, not failed, while a failed attempt waits for the next one", () => {
    const v = view("running", [
      attempt({
        stepId: "fetch",
        status: "failed",
        finishedAt: at(1000),
        error: { message: "HTTP 503", nextAttemptAt: at(3000) },
      }),
    ]);
    expect(stateOf(v, "fetch")).toMatchObject({
      state: "retrying",
      nextAttemptAt: at(3000),
      attempt: { current: 2, of: 3 },
      error: "HTTP 503",
    });
    expect(buildTimeline(v).progress.settled).toBe(0);
  });

  it("falls back to the log's willRetry and the step's backoff for older rows", () => {
    const failed = attempt({
      stepId: "fetch",
      status: "failed",
      finishedAt: at(1000),
      error: { message: "HTTP 503" },
    });
    const withLog = view(
      "running",
      [failed],
      [entry(3, { unitId: "fetch", attempt: 1, status: "failed", willRetry: true })],
    );
    expect(stateOf(withLog, "fetch")).toMatchObject({ state: "retrying", nextAttemptAt: at(3000) });
    // Without a word on a retry, a failure is a failure.
    expect(stateOf(view("running", [failed]), "fetch")?.state).toBe("failed");
  });

  it("is failed after the last allowed attempt, even while the run goes on", () => {
    const rows = [1, 2, 3].map((n) =>
      attempt({
        stepId: "fetch",
        attempt: n,
        status: "failed",
        startedAt: at(n * 1000),
        finishedAt: at(n * 1000 + 100),
        error: { message: `fail ${n}`, ...(n < 3 ? { nextAttemptAt: at(n * 1000 + 900) } : {}) },
      }),
    );
    expect(stateOf(view("running", rows), "fetch")).toMatchObject({
      state: "failed",
      attempt: { current: 3, of: 3 },
      error: "fail 3",
      startedAt: at(1000),
    });
  });

  it("is failed, not retrying, once the run has ended", () => {
    const v = view("failed", [
      attempt({
        stepId: "fetch",
        status: "failed",
        finishedAt: at(1000),
        error: { message: "x", nextAttemptAt: at(3000) },
      }),
    ]);
    expect(stateOf(v, "fetch")?.state).toBe("failed");
  });

  it("says why a step was skipped", () => {
    const v = view("failed", [
      attempt({ stepId: "fetch", status: "failed", error: { message: "boom" } }),
      attempt({
        stepId: "sev1",
        attempt: 0,
        status: "skipped",
        output: { reason: 'upstream step "fetch" failed', cause: "upstream-failed" },
      }),
      attempt({
        stepId: "post",
        attempt: 0,
        status: "skipped",
        output: { reason: "condition is false: $count(x) > 0", cause: "condition" },
      }),
    ]);
    expect(stateOf(v, "sev1")).toMatchObject({
      state: "skipped",
      reason: "Fetch open incidents failed",
    });
    expect(stateOf(v, "post")).toMatchObject({ state: "skipped", reason: "condition was false" });
    // A step nobody got to in a run that ended.
    expect(stateOf(v, "approve")).toMatchObject({
      state: "skipped",
      reason: "the run ended before it started",
    });
  });

  it("words skip reasons", () => {
    const label = (id: string) => (id === "fetch" ? "Fetch" : id);
    expect(
      skipReason({ reason: 'upstream step "fetch" failed', cause: "upstream-failed" }, label),
    ).toBe("Fetch failed");
    expect(skipReason({ reason: "item 2 failed", cause: "loop-stopped" }, label)).toBe(
      "item 3 failed",
    );
    expect(skipReason({ reason: "condition is false: x", cause: "condition" }, label)).toBe(
      "condition was false",
    );
    expect(skipReason(null, label)).toBeNull();
  });

  it("shows onFailure steps as not needed when the run succeeded", () => {
    expect(stateOf(view("succeeded", []), "alert")).toMatchObject({
      state: "skipped",
      reason: "the run did not fail",
    });
    expect(stateOf(view("running", []), "alert")?.state).toBe("pending");
  });

  it("is cancelled when the run was cancelled under it, and not run when it never started", () => {
    const v = view("cancelled", [
      attempt({ stepId: "fetch", status: "succeeded", finishedAt: at(900) }),
      attempt({ stepId: "sev1", status: "cancelled", startedAt: at(1000), finishedAt: at(4000) }),
    ]);
    expect(stateOf(v, "fetch")?.state).toBe("succeeded");
    expect(stateOf(v, "sev1")).toMatchObject({ state: "cancelled", finishedAt: at(4000) });
    expect(stateOf(v, "post")).toMatchObject({ state: "not-run", reason: null, startedAt: null });
    expect(stateOf(v, "approve")?.state).toBe("not-run");
    expect(stateOf(v, "alert")?.state).toBe("not-run");
    // Every step has its final state: the card counts them all as settled.
    expect(buildTimeline(v).progress).toEqual({ settled: 5, total: 5 });
  });

  it("reads an attempt left running or waiting by a cancelled run as cancelled", () => {
    const v = view("cancelled", [
      attempt({ stepId: "fetch", status: "running" }),
      attempt({ stepId: "approve", status: "waiting" }),
    ]);
    expect(stateOf(v, "fetch")?.state).toBe("cancelled");
    expect(stateOf(v, "approve")?.state).toBe("cancelled");
    expect(stateOf(v, "sev1")?.state).toBe("not-run");
  });

  it("is cancelled, not failed, when the cancel came before its next attempt", () => {
    const failedOnce = attempt({
      stepId: "fetch",
      status: "failed",
      finishedAt: at(1000),
      error: { message: "HTTP 503", nextAttemptAt: at(3000) },
    });
    expect(stateOf(view("cancelled", [failedOnce]), "fetch")).toMatchObject({
      state: "cancelled",
      error: "HTTP 503",
    });
    // The same attempt in a run that failed for another reason stays failed.
    expect(stateOf(view("failed", [failedOnce]), "fetch")?.state).toBe("failed");
    const lastAttempt = attempt({ ...failedOnce, attempt: 3, error: { message: "HTTP 503" } });
    expect(stateOf(view("cancelled", [lastAttempt]), "fetch")?.state).toBe("failed");
  });

  it("is waiting with what for and the deadline", () => {
    const v = view(
      "waiting",
      [
        attempt({
          stepId: "approve",
          status: "waiting",
          input: { prompt: "Post it?", timeout: "1h" },
          startedAt: at(2000),
        }),
      ],
      [entry(5, { unitId: "approve", status: "waiting", deadline: at(99_000) })],
    );
    expect(stateOf(v, "approve")).toMatchObject({
      state: "waiting",
      waitingFor: "an approval",
      deadline: at(99_000),
    });
    // Without the log entry, the deadline comes from the timeout.
    expect(stateOf({ ...v, events: [] }, "approve")?.deadline).toBe(at(2000 + 3_600_000));
  });
});

describe("a loop", () => {
  const item = (i: number, over: Partial<WireStep>) =>
    attempt({ stepId: "each", iteration: i, status: "succeeded", finishedAt: at(500), ...over });

  it("counts its settled items of the total its start recorded", () => {
    const v = view(
      "running",
      [item(0, {}), item(1, {}), item(2, {}), item(3, { status: "running", finishedAt: null })],
      [entry(4, { unitId: "each", status: "running", items: 5 })],
    );
    const each = stateOf(v, "each");
    expect(each?.state).toBe("running");
    expect(each?.items).toMatchObject({ total: 5, settled: 3 });
    expect(each?.items?.units.map((u) => [u.unitId, u.state])).toEqual([
      ["each#0", "succeeded"],
      ["each#1", "succeeded"],
      ["each#2", "succeeded"],
      ["each#3", "running"],
    ]);
  });

  it("is over once every item settled, before a later pass records its end", () => {
    const v = view(
      "running",
      [item(0, {}), item(1, {}), item(2, {})],
      [entry(4, { unitId: "each", status: "running", items: 3 })],
    );
    expect(stateOf(v, "each")).toMatchObject({ state: "succeeded", finishedAt: at(500) });
    const unknownTotal = view("running", [item(0, {}), item(1, {})]);
    expect(stateOf(unknownTotal, "each")?.state).toBe("running");
  });

  it("ends as its log says, and counts its items without one", () => {
    const rows = [item(0, {}), item(1, { status: "failed", error: { message: "bad" } })];
    const logged = view("running", rows, [
      entry(9, { unitId: "each", status: "failed", items: 2 }),
    ]);
    expect(stateOf(logged, "each")).toMatchObject({ state: "failed", error: "bad" });
    const unlogged = view("failed", rows);
    expect(stateOf(unlogged, "each")).toMatchObject({
      state: "failed",
      items: { total: 2, settled: 2 },
    });
  });

  it("is cancelled when the cancel stopped an item or came before the rest", () => {
    const started = entry(4, { unitId: "each", status: "running", items: 4 });
    const cut = view(
      "cancelled",
      [item(0, {}), item(1, { status: "cancelled", finishedAt: at(700) })],
      [started],
    );
    expect(stateOf(cut, "each")).toMatchObject({
      state: "cancelled",
      items: { total: 4, settled: 2 },
    });
    expect(stateOf(cut, "each")?.items?.units.map((u) => u.state)).toEqual([
      "succeeded",
      "cancelled",
    ]);
    const between = view("cancelled", [item(0, {}), item(1, {})], [started]);
    expect(stateOf(between, "each")?.state).toBe("cancelled");
    const done = view("cancelled", [item(0, {}), item(1, {}), item(2, {}), item(3, {})], [started]);
    expect(stateOf(done, "each")?.state).toBe("succeeded");
    expect(stateOf(view("cancelled", []), "each")?.state).toBe("not-run");
  });

  it("is pending before it expands, and skipped as a whole when its condition says so", () => {
    expect(stateOf(view("running", []), "each")?.items).toMatchObject({ total: null, units: [] });
    const skipped = view("running", [
      attempt({
        stepId: "each",
        attempt: 0,
        status: "skipped",
        output: { reason: "condition is false: x", cause: "condition" },
      }),
    ]);
    expect(stateOf(skipped, "each")).toMatchObject({ state: "skipped", items: null });
  });
});

describe("the waterfall", () => {
  it("places each attempt on the run's axis with the wait before its retry", () => {
    const v = view("running", [
      attempt({
        stepId: "fetch",
        status: "failed",
        startedAt: at(100),
        finishedAt: at(1100),
        error: { message: "x", nextAttemptAt: at(3100) },
      }),
      attempt({ stepId: "fetch", attempt: 2, status: "running", startedAt: at(3200) }),
    ]);
    const rows = waterfallBars(buildTimeline(v, T0 + 5000));
    const fetch = rows.find((r) => r.step.step.id === "fetch");
    expect(
      fetch?.bars.map((b) => [b.attempt, b.offsetMs, b.durationMs, b.retryGapMs, b.state]),
    ).toEqual([
      [1, 100, 1000, 2100, "failed"],
      [2, 3200, 1800, 0, "running"],
    ]);
    expect(rows.find((r) => r.step.step.id === "sev1")?.bars).toEqual([]);
  });
});

describe("child runs", () => {
  it("names a workflow.run unit's child as the engine does", () => {
    expect(childRunIdOf("run-1", "sub#2")).toBe(childRunId("run-1", "sub#2"));
  });
});

describe("a re-run's reused steps", () => {
  it("show as succeeded and say they were reused; a loop when every item was", () => {
    const reused = { status: "succeeded" as const, reusedFrom: "run-0", finishedAt: at(0) };
    const v = view("running", [
      attempt({ stepId: "fetch", ...reused }),
      attempt({ stepId: "each", iteration: 0, ...reused }),
      attempt({ stepId: "each", iteration: 1, ...reused }),
      attempt({ stepId: "sev1", status: "succeeded", finishedAt: at(50) }),
    ]);
    expect(stateOf(v, "fetch")).toMatchObject({ state: "succeeded", reused: true });
    expect(stateOf(v, "each")?.reused).toBe(true);
    expect(stateOf(v, "each")?.items?.units.every((unit) => unit.reused)).toBe(true);
    expect(stateOf(v, "sev1")).toMatchObject({ state: "succeeded", reused: false });
    expect(stateOf(v, "post")?.reused).toBe(false);
  });
});
