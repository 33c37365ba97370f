// What a re-run reuses and runs again, as a specification of lib/runs/rerun-plan.ts.
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import type { Plan, PlanStep } from "@/lib/plan/schema";
import {
  outcomesFromRecords,
  planRerun,
  RerunPlanError,
  type RerunPlanInput,
  type SourceStepOutcome,
  sideEffectOf,
} from "@/lib/runs/rerun-plan";

const ok = (units: string[]): SourceStepOutcome => ({
  status: "succeeded",
  units,
  outputKept: true,
});
const failed: SourceStepOutcome = { status: "failed", units: [], outputKept: false };

function plan(steps: PlanStep[], extra: Partial<Plan> = {}): Plan {
  return { version: 1, title: "Digest", trigger: { type: "manual" }, steps, ...extra };
}

/** fetch → parse → enrich → notify → archive, failing at notify. */
const chain = plan([
  { id: "fetch", action: "http.request", input: { url: "https://x.test/a" } },
  {
    id: "parse",
    action: "transform",
    after: ["fetch"],
    input: { value: "{{ steps.fetch.output }}" },
  },
  { id: "enrich", action: "transform", after: ["parse"], input: { value: 1 } },
  {
    id: "notify",
    action: "http.request",
    after: ["enrich"],
    input: { url: "https://x.test/b", method: "POST" },
  },
  { id: "archive", action: "email.send", after: ["notify"], input: { to: "a@b.c", subject: "s" } },
]);

const chainOutcomes = {
  fetch: ok(["fetch"]),
  parse: ok(["parse"]),
  enrich: ok(["enrich"]),
  notify: failed,
};

function rerun(over: Partial<RerunPlanInput> = {}) {
  return planRerun({
    source: chain,
    target: chain,
    sourceStatus: "failed",
    failedStep: "notify",
    outcomes: chainOutcomes,
    from: "failed",
    inputsEdited: false,
    catalog: actionRegistry,
    ...over,
  });
}

const fates = (preview: ReturnType<typeof planRerun>) =>
  Object.fromEntries(preview.steps.map((step) => [step.id, step.fate]));

describe("re-run planning", () => {
  it("from the failed step reuses what succeeded upstream and runs the rest", () => {
    const preview = rerun();
    expect(preview.fromStep).toBe("notify");
    expect(fates(preview)).toEqual({
      fetch: "reused",
      parse: "reused",
      enrich: "reused",
      notify: "runs",
      archive: "runs",
    });
    expect(preview.reused).toEqual(["fetch", "parse", "enrich"]);
    expect(preview.steps.find((s) => s.id === "notify")?.reason).toBe(
      "the step the re-run starts from",
    );
  });

  it("marks the side effects of the steps that run again, never of reused ones", () => {
    const preview = rerun();
    const effect = (id: string) => preview.steps.find((s) => s.id === id)?.sideEffect;
    expect(effect("notify")).toEqual({ kind: "http", says: "sends the POST request again" });
    expect(effect("archive")).toEqual({ kind: "email", says: "sends the email again" });
    expect(effect("fetch")).toBeNull();
  });

  it("from the start reuses nothing", () => {
    const preview = rerun({ from: "start" });
    expect(preview.fromStep).toBeNull();
    expect(preview.reused).toEqual([]);
    expect(new Set(Object.values(fates(preview)))).toEqual(new Set(["runs"]));
  });

  it("from a chosen step runs it and everything after it", () => {
    const preview = rerun({ from: "parse" });
    expect(fates(preview)).toMatchObject({ fetch: "reused", parse: "runs", enrich: "runs" });
  });

  it("refuses a step the target plan does not have, naming the ones it has", () => {
    expect(() => rerun({ from: "nope" })).toThrow(RerunPlanError);
    expect(() => rerun({ from: "nope" })).toThrow(/no step "nope".*fetch, parse/);
  });

  it("refuses 'failed' for a run that succeeded", () => {
    try {
      rerun({ sourceStatus: "succeeded", failedStep: null });
      expect.unreachable();
    } catch (error) {
      expect((error as RerunPlanError).code).toBe("nothing_failed");
    }
  });

  it("for a cancelled run starts from the first step that did not succeed", () => {
    const preview = rerun({
      sourceStatus: "cancelled",
      failedStep: null,
      outcomes: { fetch: ok(["fetch"]), parse: ok(["parse"]) },
    });
    expect(preview.fromStep).toBe("enrich");
    expect(fates(preview)).toMatchObject({ parse: "reused", enrich: "runs" });
  });

  it("on a changed version runs the changed step and what follows it, and lists removed steps", () => {
    const target = plan([
      chain.steps[0],
      { ...chain.steps[1], input: { value: "{{ steps.fetch.output.body }}" } },
      chain.steps[2],
      chain.steps[3],
      { id: "log", action: "transform", after: ["notify"], input: { value: 2 } },
    ]);
    const preview = rerun({ target });
    expect(fates(preview)).toEqual({
      fetch: "reused",
      parse: "changed",
      enrich: "runs",
      notify: "runs",
      log: "new",
    });
    expect(preview.steps.find((s) => s.id === "enrich")?.reason).toBe(
      "runs after parse, which runs again",
    );
    expect(preview.removed).toEqual([
      { id: "archive", title: null, action: "email.send", phase: "main" },
    ]);
  });

  it("counts a step whose dependencies changed as changed", () => {
    const target = plan([chain.steps[0], chain.steps[1], { ...chain.steps[2], after: [] }]);
    expect(fates(rerun({ target, from: "start" })).enrich).toBe("changed");
  });

  it("runs steps that read the trigger again when the inputs were edited", () => {
    const source = plan(
      [
        { id: "a", action: "transform", input: { value: 1 } },
        { id: "b", action: "transform", input: { value: "{{ trigger.inputs.city }}" } },
        { id: "c", action: "transform", after: ["a"], if: "trigger.inputs.go", input: {} },
        { id: "d", action: "transform", after: ["a", "b"], input: { value: 1 } },
        { id: "e", action: "test.fail", after: ["d"], input: {} },
      ],
      { trigger: { type: "manual", inputs: { city: { type: "string" } } } },
    );
    const outcomes = { a: ok(["a"]), b: ok(["b"]), c: ok(["c"]), d: ok(["d"]), e: failed };
    const base = { source, target: source, outcomes, failedStep: "e" };
    expect(fates(rerun(base))).toMatchObject({ a: "reused", b: "reused", c: "reused" });
    const edited = rerun({ ...base, inputsEdited: true });
    expect(fates(edited)).toMatchObject({ a: "reused", b: "runs", c: "runs", d: "runs" });
    expect(edited.steps.find((s) => s.id === "b")?.reason).toBe(
      "reads the trigger, whose inputs were edited",
    );
  });

  it("runs steps that read the trigger again when the target's trigger changed", () => {
    const source = plan(
      [
        { id: "a", action: "transform", input: { value: "{{ trigger.inputs.x }}" } },
        { id: "b", action: "test.fail", after: ["a"], input: {} },
      ],
      { trigger: { type: "manual", inputs: { x: { type: "string" } } } },
    );
    const target = { ...source, trigger: { type: "manual" as const, inputs: {} } };
    const preview = rerun({
      source,
      target,
      outcomes: { a: ok(["a"]), b: failed },
      failedStep: "b",
    });
    expect(fates(preview).a).toBe("runs");
  });

  it("runs a step again when the plan's time zone changed", () => {
    const target = { ...chain, timezone: "Europe/Berlin" };
    expect(fates(rerun({ target })).fetch).toBe("runs");
  });

  it("runs what was skipped, failed or not kept in full, and what follows it", () => {
    const preview = rerun({
      outcomes: {
        fetch: { status: "succeeded", units: ["fetch"], outputKept: false },
        parse: ok(["parse"]),
        enrich: ok(["enrich"]),
        notify: failed,
      },
    });
    expect(fates(preview)).toMatchObject({ fetch: "runs", parse: "runs", enrich: "runs" });
    expect(preview.steps[0].reason).toBe("its output was not kept in full");
    const skipped = rerun({
      outcomes: { ...chainOutcomes, fetch: { status: "skipped", units: [], outputKept: false } },
    });
    expect(skipped.steps[0].reason).toBe("was skipped in the original run");
    expect(skipped.reused).toEqual([]);
  });

  it("reuses a loop with every item, or runs all of it", () => {
    const source = plan([
      { id: "list", action: "transform", input: { value: [1, 2, 3] } },
      {
        id: "each",
        action: "http.request",
        after: ["list"],
        forEach: "steps.list.output",
        maxItems: 5,
        input: { url: "https://x.test/{{ item }}" },
      },
      { id: "last", action: "test.fail", after: ["each"], input: {} },
    ]);
    const outcomes = {
      list: ok(["list"]),
      each: ok(["each#0", "each#1", "each#2"]),
      last: failed,
    };
    const preview = rerun({ source, target: source, outcomes, failedStep: "last" });
    expect(preview.reused).toEqual(["list", "each#0", "each#1", "each#2"]);
    expect(preview.steps[1].reusedUnits).toEqual(["each#0", "each#1", "each#2"]);
    expect(rerun({ source, target: source, outcomes, from: "each" }).reused).toEqual(["list"]);
  });

  it("runs a step that hands out the link of a wait that runs again", () => {
    const source = plan([
      {
        id: "mail",
        action: "email.send",
        input: { to: "a@b.c", subject: "s", text: "{{ waits.ok.url }}" },
      },
      { id: "ok", action: "wait.approval", after: ["mail"], input: { prompt: "ok?" } },
    ]);
    const preview = rerun({
      source,
      target: source,
      outcomes: { mail: ok(["mail"]), ok: failed },
      failedStep: "ok",
    });
    expect(fates(preview)).toEqual({ mail: "runs", ok: "runs" });
    expect(preview.steps[0].reason).toBe("uses the link of ok, which runs again");
    expect(preview.steps[1].sideEffect).toEqual({
      kind: "approval",
      says: "asks for approval again",
    });
  });

  it("never reuses onFailure steps", () => {
    const source = {
      ...chain,
      onFailure: [{ id: "alert", action: "chat.post", input: { text: "{{ error.message }}" } }],
    };
    const preview = rerun({
      source,
      target: source,
      outcomes: { ...chainOutcomes, alert: ok(["alert"]) },
    });
    const alert = preview.steps.at(-1);
    expect(alert).toMatchObject({ id: "alert", phase: "onFailure", fate: "runs" });
    expect(alert?.reason).toBe("runs only if the re-run fails");
    expect(preview.reused).not.toContain("alert");
  });

  it("treats a computed HTTP method as a write and GET/HEAD as none", () => {
    const step = (method?: string): PlanStep => ({
      id: "x",
      action: "http.request",
      input: { url: "https://x.test", ...(method ? { method } : {}) },
    });
    const effectOf = (s: PlanStep) => sideEffectOf(s, actionRegistry);
    expect(effectOf(step())).toBeNull();
    expect(effectOf(step("HEAD"))).toBeNull();
    expect(effectOf(step("DELETE"))?.says).toBe("sends the DELETE request again");
    expect(effectOf(step("{{ trigger.inputs.m }}"))).toEqual({
      kind: "http",
      says: "sends the request again (its method is computed)",
    });
    expect(effectOf({ id: "t", action: "transform" })).toBeNull();
    expect(effectOf({ id: "s", action: "store.set" })?.says).toBe("writes to the store again");
    expect(effectOf({ id: "w", action: "workflow.run" })?.kind).toBe("workflow");
    expect(effectOf({ id: "a", action: "wait.approval" })?.says).toBe("asks for approval again");
  });

  it("claims no side effect without a catalog to read it from", () => {
    expect(sideEffectOf({ id: "s", action: "store.set" })).toBeNull();
  });
});

describe("a source run's outcomes", () => {
  const row = (stepId: string, status: string, over: Record<string, unknown> = {}) => ({
    stepId,
    iteration: -1,
    attempt: 1,
    status,
    output: { ok: true },
    ...over,
  });
  const loopPlan = plan([
    { id: "a", action: "transform", input: { value: [1, 2] } },
    { id: "each", action: "transform", after: ["a"], forEach: "steps.a.output", maxItems: 5 },
    { id: "empty", action: "transform", after: ["a"], forEach: "[]", maxItems: 5 },
    { id: "big", action: "transform", after: ["a"] },
    { id: "lost", action: "transform", after: ["a"] },
    { id: "never", action: "transform", after: ["lost"] },
  ]);
  const truncated = { $truncated: true, bytes: 9000, preview: "…" };

  it("takes each unit's latest attempt, checks loops item by item and whether outputs were kept", () => {
    const outcomes = outcomesFromRecords({
      plan: loopPlan,
      attempts: [
        row("a", "failed", { output: null }),
        row("a", "succeeded", { attempt: 2 }),
        row("each", "succeeded", { iteration: 0 }),
        row("each", "succeeded", { iteration: 1 }),
        row("big", "succeeded", { output: truncated }),
        row("lost", "succeeded", { output: truncated }),
      ],
      loopEnds: [
        { stepId: "each", status: "succeeded", items: 2 },
        { stepId: "empty", status: "succeeded", items: 0 },
      ],
      storedOutputs: ["big"],
    });
    expect(outcomes).toEqual({
      a: { status: "succeeded", units: ["a"], outputKept: true },
      each: { status: "succeeded", units: ["each#0", "each#1"], outputKept: true },
      empty: { status: "succeeded", units: [], outputKept: true },
      big: { status: "succeeded", units: ["big"], outputKept: true },
      lost: { status: "succeeded", units: ["lost"], outputKept: false },
      never: { status: "not-run", units: [], outputKept: false },
    });
  });

  it("counts a loop with a failed item, or cut short, as not succeeded", () => {
    const outcomes = outcomesFromRecords({
      plan: loopPlan,
      attempts: [
        row("each", "succeeded", { iteration: 0 }),
        row("each", "failed", { iteration: 1 }),
        row("empty", "running", { iteration: 0 }),
        row("lost", "waiting"),
      ],
      loopEnds: [{ stepId: "each", status: "succeeded", items: 2 }],
      storedOutputs: [],
    });
    expect(outcomes.each.status).toBe("failed");
    expect(outcomes.empty.status).toBe("cancelled");
    expect(outcomes.lost.status).toBe("cancelled");
  });
});
