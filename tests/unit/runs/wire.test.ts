import { describe, expect, it } from "vitest";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { toWireEvent, toWireRun, toWireRunView, toWireStep } from "@/lib/runs/wire";

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

  it("turns missing JSON values into null", () => {
    const run = toWireRun(runRow({ output: undefined as unknown as null }));
    expect(run.output).toBeNull();
    expect(toWireStep(stepRow({ input: undefined as unknown as null })).input).toBeNull();
    expect(toWireEvent(eventRow({ data: undefined as unknown as null })).data).toBeNull();
  });
});
