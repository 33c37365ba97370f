// What a test run found, step by step, as the card, `plan test` and the chat read it; and the
// trigger a test (or `plan run --trigger`) stands in with.
import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/plan/schema";
import type { RunStatus } from "@/lib/runs/status";
import { countsInWords, testReport } from "@/lib/runs/test-report";
import { triggerPayload } from "@/lib/runs/trigger-payload";
import { toWireRunPlan, type WireRunView, type WireStep } from "@/lib/runs/wire";

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const plan: Plan = {
  version: 1,
  title: "Morning check",
  trigger: { type: "manual" },
  steps: [
    { id: "fetch", action: "http.request", input: { url: "https://x.test" } },
    { id: "mail", action: "email.send", after: ["fetch"] },
    { id: "maybe", action: "chat.post", after: ["fetch"], if: "false" },
    { id: "each", action: "store.set", after: ["fetch"], forEach: "[1,2]", maxItems: 5 },
    { id: "then", action: "chat.post", after: ["mail"] },
  ],
  onFailure: [{ id: "alert", action: "chat.post" }],
};

let ids = 0;
const row = (over: Partial<WireStep> & Pick<WireStep, "stepId" | "status">): WireStep => ({
  id: `r${++ids}`,
  iteration: -1,
  attempt: 1,
  input: null,
  output: null,
  error: null,
  startedAt: at(0),
  finishedAt: at(10),
  durationMs: 10,
  ...over,
});

function view(status: RunStatus, steps: WireStep[]): WireRunView {
  return {
    run: {
      id: "run-1",
      workflowId: "wf-1",
      status,
      error: null,
      output: null,
      startedAt: at(0),
      finishedAt: status === "running" ? null : at(100),
      createdAt: at(0),
      test: true,
    },
    steps,
    events: [
      {
        seq: 1,
        at: at(1),
        level: "info",
        stepId: "each",
        message: "",
        data: { unitId: "each", items: 2, status: "succeeded" },
      },
    ],
    plan: toWireRunPlan(plan, 1),
  };
}

const email = { kind: "email" as const, summary: 'email to a@x.test: "Hi"', to: ["a@x.test"] };

describe("a test's report", () => {
  it("says ran, simulated, skipped and not reached for a test that would succeed", () => {
    const report = testReport(
      view("succeeded", [
        row({ stepId: "fetch", status: "succeeded", output: { status: 200 } }),
        row({ stepId: "mail", status: "succeeded", output: { messageId: "x" }, simulated: email }),
        row({
          stepId: "maybe",
          status: "skipped",
          attempt: 0,
          output: { reason: "condition is false: false", cause: "condition" },
        }),
        row({
          stepId: "each",
          iteration: 0,
          status: "succeeded",
          simulated: { kind: "store", summary: 'save "a"' },
        }),
        row({
          stepId: "each",
          iteration: 1,
          status: "succeeded",
          simulated: { kind: "store", summary: 'save "b"' },
        }),
        row({ stepId: "then", status: "succeeded", simulated: { kind: "chat", summary: "post" } }),
      ]),
    );
    expect(report.status).toBe("succeeded");
    expect(report.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ["fetch", "ran"],
      ["mail", "simulated"],
      ["maybe", "skipped"],
      ["each", "simulated"],
      ["then", "simulated"],
      ["alert", "not reached"],
    ]);
    const by = Object.fromEntries(report.steps.map((s) => [s.stepId, s]));
    expect(by.fetch.output).toEqual({ status: 200 });
    expect(by.mail.wouldSend).toEqual([email]);
    expect(by.maybe.reason).toBe("condition was false");
    expect(by.each.wouldSend?.map((w) => w.summary)).toEqual(['save "a"', 'save "b"']);
    expect(by.each.items).toBe(2);
    expect(by.alert.reason).toBe("runs only if the run fails");
    expect(countsInWords(report.counts)).toBe("1 ran, 3 simulated, 1 skipped, 1 not reached");
  });

  it("marks the failed step, and what it kept from running as not reached", () => {
    const report = testReport(
      view("failed", [
        row({ stepId: "fetch", status: "failed", error: { message: "HTTP 500" } }),
        ...["mail", "maybe", "each"].map((stepId) =>
          row({
            stepId,
            status: "skipped",
            attempt: 0,
            output: { reason: 'upstream step "fetch" failed', cause: "upstream-failed" },
          }),
        ),
        row({ stepId: "alert", status: "succeeded", simulated: { kind: "chat", summary: "post" } }),
      ]),
    );
    expect(report.status).toBe("failed");
    const by = Object.fromEntries(report.steps.map((s) => [s.stepId, s]));
    expect(by.fetch).toMatchObject({ outcome: "failed", error: "HTTP 500" });
    expect(by.mail).toMatchObject({ outcome: "not reached", reason: "fetch failed" });
    // Never decided: the run ended before it.
    expect(by.then).toMatchObject({ outcome: "not reached", reason: "the run ended before it" });
    expect(by.alert.outcome).toBe("simulated");
  });

  it("shows steps under way while the test runs", () => {
    const report = testReport(
      view("running", [row({ stepId: "fetch", status: "running", finishedAt: null })]),
    );
    expect(report.status).toBe("running");
    expect(report.steps[0].outcome).toBe("running");
    expect(report.steps[1].outcome).toBe("pending");
  });

  it("shows a wait the test asks about as waiting for the person, with its ways and until when", () => {
    const asking: Plan = {
      version: 1,
      title: "Asking",
      trigger: { type: "manual" },
      steps: [
        { id: "ask", action: "wait.approval", input: { prompt: "Go?", timeout: "1d" } },
        {
          id: "hold",
          action: "wait.event",
          after: ["ask"],
          input: { event: "x/y", timeout: "1h" },
        },
      ],
    };
    const base = view("waiting", [
      row({
        stepId: "ask",
        status: "waiting",
        input: { prompt: "Go?", timeout: "1d" },
        finishedAt: null,
        durationMs: null,
      }),
    ]);
    const report = testReport(
      {
        ...base,
        plan: toWireRunPlan(asking, 1),
        events: [
          {
            seq: 1,
            at: at(1),
            level: "info",
            stepId: "ask",
            message: "ask waiting",
            data: { unitId: "ask", status: "waiting", deadline: at(3_600_000) },
          },
        ],
      },
      T0 + 50,
    );
    expect(report.status).toBe("running");
    expect(report.steps.map((s) => [s.stepId, s.outcome])).toEqual([
      ["ask", "waiting"],
      ["hold", "pending"],
    ]);
    expect(report.steps[0].asks).toEqual({
      ways: ["timeout", "approved", "rejected"],
      until: at(3_600_000),
      prompt: "Go?",
    });
  });
});

describe("the trigger a test stands in with", () => {
  const now = new Date(T0);
  it("checks a manual plan's inputs and refuses a payload for it", () => {
    const trigger = { type: "manual" as const, inputs: { n: { type: "number" as const } } };
    expect(triggerPayload(trigger, { inputs: { n: 2 }, now })).toEqual({
      ok: true,
      trigger: { type: "manual", inputs: { n: 2 } },
    });
    expect(triggerPayload(trigger, { inputs: {}, now })).toMatchObject({
      ok: false,
      reason: "inputs",
    });
    expect(triggerPayload(trigger, { payload: {}, now })).toMatchObject({
      reason: "payload-unused",
    });
  });

  it("makes a webhook's request and an event from the payload, and needs one", () => {
    expect(triggerPayload({ type: "webhook" }, { payload: { a: 1 }, now })).toEqual({
      ok: true,
      trigger: { type: "webhook", method: "POST", headers: {}, query: {}, body: { a: 1 } },
    });
    expect(
      triggerPayload({ type: "event", event: "workflow/run.finished" }, { payload: { x: 1 }, now }),
    ).toEqual({
      ok: true,
      trigger: { type: "event", name: "workflow/run.finished", data: { x: 1 } },
    });
    expect(triggerPayload({ type: "webhook" }, { now })).toMatchObject({
      ok: false,
      reason: "payload-needed",
      message: expect.stringContaining("the request body"),
    });
  });

  it("fires a schedule now", () => {
    expect(
      triggerPayload({ type: "schedule", cron: "0 8 * * *", timezone: "UTC" }, { now }),
    ).toEqual({ ok: true, trigger: { type: "schedule", scheduledAt: now.toISOString() } });
  });
});
