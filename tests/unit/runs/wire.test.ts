import { describe, expect, it } from "vitest";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import {
  applyLiveEvent,
  type LiveRunEvent,
  lastSeq,
  toWireEvent,
  toWireRun,
  toWireRunView,
  toWireStep,
  unitOf,
  type WireRunView,
  type WireStep,
  withRun,
} from "@/lib/runs/wire";

const RUN = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s));

const runRow = (over: Partial<Run> = {}): Run => ({
  id: RUN,
  workflowId: "wf-1",
  versionId: "v-1",
  userId: "user-1",
  threadId: null,
  trigger: { type: "manual" },
  status: "running",
  error: null,
  output: null,
  engineRunId: "engine-1",
  startedAt: at(1),
  finishedAt: null,
  createdAt: at(0),
  rolledUp: false,
  rerunOfId: null,
  rerun: null,
  bulkActionId: null,
  test: null,
  admittedAt: null,
  ...over,
});

const stepRow = (over: Partial<RunStep> = {}): RunStep => ({
  id: "step-1",
  runId: RUN,
  stepId: "fetch",
  iteration: -1,
  attempt: 1,
  status: "running",
  input: { url: "https://example.com" },
  output: null,
  error: null,
  startedAt: at(2),
  finishedAt: null,
  durationMs: null,
  reusedFrom: null,
  simulated: null,
  ...over,
});

const eventRow = (over: Partial<RunEvent> = {}): RunEvent => ({
  id: 10,
  runId: RUN,
  seq: 1,
  at: at(0),
  level: "info",
  stepId: null,
  message: "Run queued",
  data: { status: "queued" },
  key: "run:queued",
  ...over,
});

describe("run wire view", () => {
  it("sends dates as ISO strings and nothing that is the engine's or the database's", () => {
    const view = toWireRunView({
      run: runRow({ status: "failed", error: { step: "fetch", message: "boom" } }),
      steps: [stepRow({ status: "failed", error: { message: "boom", code: "upstream" } })],
      events: [eventRow()],
    });
    expect(view).toEqual({
      run: {
        id: RUN,
        workflowId: "wf-1",
        status: "failed",
        error: { step: "fetch", message: "boom" },
        output: null,
        startedAt: "2026-01-05T09:00:01.000Z",
        finishedAt: null,
        createdAt: "2026-01-05T09:00:00.000Z",
      },
      steps: [
        {
          id: "step-1",
          stepId: "fetch",
          iteration: -1,
          attempt: 1,
          status: "failed",
          input: { url: "https://example.com" },
          output: null,
          error: { message: "boom", code: "upstream" },
          startedAt: "2026-01-05T09:00:02.000Z",
          finishedAt: null,
          durationMs: null,
          reusedFrom: null,
        },
      ],
      events: [
        {
          seq: 1,
          at: "2026-01-05T09:00:00.000Z",
          level: "info",
          stepId: null,
          message: "Run queued",
          data: { status: "queued" },
        },
      ],
    });
    // What travels is what arrives: JSON changes nothing.
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });

  it("links a re-run both ways and says how it re-runs its source", () => {
    const source = { id: "run-0", status: "failed" as const, createdAt: at(-60) };
    const later = { id: "run-2", status: "running" as const, createdAt: at(60) };
    const view = toWireRunView({
      run: runRow({
        status: "succeeded",
        rerunOfId: "run-0",
        rerun: { from: "notify", version: "latest", reused: ["fetch"], inputsEdited: false },
      }),
      steps: [stepRow({ status: "succeeded", reusedFrom: "run-0" })],
      events: [],
      links: { rerunOf: source, rerunAs: [later] },
    });
    expect(view.rerunOf).toEqual({
      runId: "run-0",
      status: "failed",
      createdAt: "2026-01-05T08:59:00.000Z",
    });
    expect(view.rerunAs).toEqual([
      { runId: "run-2", status: "running", createdAt: "2026-01-05T09:01:00.000Z" },
    ]);
    expect(view.rerun).toEqual({
      from: "notify",
      version: "latest",
      reused: ["fetch"],
      inputsEdited: false,
    });
    expect(view.steps[0].reusedFrom).toBe("run-0");
    const plain = toWireRunView({
      run: runRow(),
      steps: [],
      events: [],
      links: { rerunOf: null, rerunAs: [] },
    });
    expect(plain).toMatchObject({ rerunOf: null, rerunAs: [], rerun: null });
  });

  it("turns missing JSON values into null", () => {
    const run = toWireRun(runRow({ output: undefined as unknown as null }));
    expect(run.output).toBeNull();
    expect(toWireStep(stepRow({ input: undefined as unknown as null })).input).toBeNull();
    expect(toWireEvent(eventRow({ data: undefined as unknown as null })).data).toBeNull();
  });
});

describe("the unit a log entry is about", () => {
  it("is the step and loop item of a step entry, -1 for a plain step", () => {
    expect(unitOf(eventRow({ stepId: "each", data: { unitId: "each#3", iteration: 3 } }))).toEqual({
      stepId: "each",
      iteration: 3,
    });
    expect(unitOf(eventRow({ stepId: "ask", data: { via: "approval" } }))).toEqual({
      stepId: "ask",
      iteration: -1,
    });
  });

  it("is nothing for an entry about the run itself", () => {
    expect(unitOf(eventRow())).toBeUndefined();
  });
});

describe("applying live frames to a view", () => {
  const view: WireRunView = toWireRunView({
    run: runRow(),
    steps: [stepRow(), stepRow({ id: "step-2", stepId: "other", startedAt: at(3) })],
    events: [eventRow(), eventRow({ seq: 2, message: "Run started", key: "run:started" })],
  });
  const frame = (over: Partial<LiveRunEvent>): LiveRunEvent => ({
    ...toWireEvent(eventRow({ seq: 3, stepId: "fetch", message: "fetch failed, will retry" })),
    run: view.run,
    steps: [],
    ...over,
  });
  const failed: WireStep = { ...view.steps[0], status: "failed", error: { message: "timeout" } };
  const retry: WireStep = { ...view.steps[0], id: "step-3", attempt: 2, status: "running" };

  it("replaces the attempts it carries, adds new ones, appends the entry and takes the run", () => {
    const waiting = { ...view.run, status: "waiting" as const };
    const next = applyLiveEvent(view, frame({ run: waiting, steps: [failed, retry] }));
    expect(next.run).toEqual(waiting);
    expect(next.steps).toEqual([failed, view.steps[1], retry]);
    expect(next.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(next.events[2]).toEqual({
      seq: 3,
      at: "2026-01-05T09:00:00.000Z",
      level: "info",
      stepId: "fetch",
      message: "fetch failed, will retry",
      data: { status: "queued" },
    });
    expect(lastSeq(next)).toBe(3);
  });

  it("leaves the view it was given as it was", () => {
    const before = structuredClone(view);
    applyLiveEvent(view, frame({ steps: [failed, retry] }));
    expect(view).toEqual(before);
  });

  it("does not append an entry the view already holds", () => {
    const once = applyLiveEvent(view, frame({ steps: [failed] }));
    const twice = applyLiveEvent(once, frame({ steps: [failed] }));
    expect(twice).toEqual(once);
    expect(applyLiveEvent(view, frame({ seq: 2 })).events).toHaveLength(2);
  });

  it("takes a newer reading of the run from a run frame", () => {
    const done = {
      ...view.run,
      status: "succeeded" as const,
      finishedAt: "2026-01-05T09:01:00.000Z",
    };
    expect(withRun(view, done)).toEqual({ ...view, run: done });
  });

  it("keeps the plan, the title and the child runs the view was read with", () => {
    const withPlan: WireRunView = toWireRunView({
      run: runRow(),
      steps: [],
      events: [],
      plan: {
        version: 2,
        plan: {
          version: 1,
          title: "Digest",
          trigger: { type: "manual" },
          steps: [{ id: "fetch", action: "transform", input: { value: 1 } }],
        },
      },
      workflowTitle: "Digest",
      children: { sub: "child-run" },
    });
    const next = applyLiveEvent(withPlan, frame({ steps: [failed] }));
    expect(next.plan).toEqual(withPlan.plan);
    expect(next.plan?.steps.map((s) => [s.id, s.kind, s.attempts])).toEqual([["fetch", "task", 1]]);
    expect(next.workflowTitle).toBe("Digest");
    expect(next.children).toEqual({ sub: "child-run" });
  });

  it("starts after nothing for a view without entries", () => {
    expect(lastSeq({ ...view, events: [] })).toBe(0);
  });
});
