import { describe, expect, it } from "vitest";
import {
  continueLoop,
  decideStep,
  decisionReadsClock,
  initialRunState,
  markRunning,
  nextActions,
  type RunState,
  recordResult,
  resolveUnitInput,
  runFailure,
  stuckSteps,
} from "@/lib/plan/progress";
import { echo, fail, ok, plan, simulate } from "./run-simulator";

const t = (id: string, after: string[] = [], extra: Record<string, unknown> = {}) => ({
  id,
  action: "transform",
  after,
  input: { value: `{{ '${id}' }}` },
  ...extra,
});

const manual = { version: 1, title: "t", trigger: { type: "manual" } };

describe("run progress: dependencies", () => {
  it("runs a diamond in three waves, the middle in parallel", async () => {
    const p = plan({
      ...manual,
      steps: [t("a"), t("b", ["a"]), t("c", ["a"]), t("d", ["b", "c"])],
    });
    const run = await simulate(p);
    expect(run.waves).toEqual([["a"], ["b", "c"], ["d"]]);
    expect(run.final.status).toBe("succeeded");
  });

  it("gives each ready unit the outputs of its upstream steps", async () => {
    const p = plan({
      ...manual,
      steps: [t("a"), t("b", ["a"], { input: { value: "{{ steps.a.output & '!' }}" } })],
    });
    let seen: unknown;
    await simulate(p, {
      a: () => ok("hello"),
      b: async (unit) => {
        seen = await resolveUnitInput(unit);
        return ok(null);
      },
    });
    expect(seen).toEqual({ value: "hello!" });
  });

  it("starts independent roots together", async () => {
    const p = plan({ ...manual, steps: [t("a"), t("b"), t("c", ["a"])] });
    expect((await simulate(p)).waves).toEqual([["a", "b"], ["c"]]);
  });
});

describe("run progress: conditions", () => {
  it("skips a step whose condition is false, with the reason, and still runs its dependents", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("a"),
        t("b", ["a"], { if: "steps.a.output = 'yes'" }),
        t("c", ["a"]),
        t("d", ["b", "c"]),
      ],
    });
    const run = await simulate(p, { a: () => ok("no") });
    expect(run.skipped).toEqual({ b: "condition is false: steps.a.output = 'yes'" });
    expect(run.waves).toEqual([["a"], ["c"], ["d"]]);
    expect(run.final.status).toBe("succeeded");
  });

  it("lets a dependent branch on a skipped step with its own condition", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("a", [], { if: "false" }),
        t("onlyIfRan", ["a"], { if: "steps.a.status = 'succeeded'" }),
        t("fallback", ["a"], { if: "steps.a.status = 'skipped'" }),
      ],
    });
    const run = await simulate(p);
    expect(Object.keys(run.skipped).sort()).toEqual(["a", "onlyIfRan"]);
    expect(run.waves).toEqual([["fallback"]]);
  });

  it("fails a step whose condition cannot be evaluated", async () => {
    const p = plan({ ...manual, steps: [t("a", [], { if: "$number('x') > 1" })] });
    const run = await simulate(p);
    expect(run.final.status).toBe("failed");
    expect(run.final.failure?.step).toBe("a");
    expect(run.final.failure?.message).toMatch(/^condition "\$number\('x'\) > 1" failed: /);
  });

  it("evaluates conditions on the logical time, the same way on every replay", async () => {
    const p = plan({
      ...manual,
      timezone: "Europe/Berlin",
      steps: [
        t("early", [], { if: "$localTime() < '08:00'" }),
        t("late", [], { if: "$localTime() >= '08:00'" }),
      ],
    });
    // 05:30Z is 07:30 in Berlin (CEST).
    for (let replay = 0; replay < 3; replay++) {
      const run = await simulate(p, {}, { now: "2026-03-30T05:30:00.000Z" });
      expect(run.waves).toEqual([["early"]]);
    }
    const later = await simulate(p, {}, { now: "2026-03-30T06:30:00.000Z" });
    expect(later.waves).toEqual([["late"]]);
  });
});

describe("run progress: errors", () => {
  it("skips the dependents of a failed step, naming it, and fails the run", async () => {
    const p = plan({ ...manual, steps: [t("a"), t("b", ["a"]), t("c", ["b"]), t("other")] });
    const run = await simulate(p, { a: () => fail("boom") });
    expect(run.skipped).toEqual({ b: 'upstream step "a" failed', c: 'upstream step "a" failed' });
    expect(run.waves).toEqual([["a", "other"]]);
    expect(run.final).toMatchObject({ status: "failed", failure: { step: "a", message: "boom" } });
  });

  it("goes on after a step with onError continue, and dependents see the failure", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("a", [], { onError: "continue" }),
        t("b", ["a"], { input: { value: "{{ steps.a.status & ': ' & steps.a.error.message }}" } }),
      ],
    });
    let input: unknown;
    const run = await simulate(p, {
      a: () => fail("timeout"),
      b: async (unit) => {
        input = await resolveUnitInput(unit);
        return ok(null);
      },
    });
    expect(run.final.status).toBe("succeeded");
    expect(input).toEqual({ value: "failed: timeout" });
  });

  it("runs onFailure steps once, with the failure in scope", async () => {
    const p = plan({
      ...manual,
      steps: [t("a"), t("b", ["a"])],
      onFailure: [
        {
          id: "tell",
          action: "chat.post",
          input: { text: "{{ error.step }}: {{ error.message }}" },
        },
        { id: "after", action: "chat.post", after: ["tell"], input: { text: "done" } },
      ],
    });
    let text: unknown;
    const run = await simulate(p, {
      b: () => fail("HTTP 500"),
      tell: async (unit) => {
        text = await resolveUnitInput(unit);
        return ok(null);
      },
    });
    expect(run.waves).toEqual([["a"], ["b"], ["tell"], ["after"]]);
    expect(text).toEqual({ text: "b: HTTP 500" });
    expect(run.final).toMatchObject({ status: "failed", phase: "onFailure" });
  });

  it("does not run onFailure steps when the run succeeds", async () => {
    const p = plan({ ...manual, steps: [t("a")], onFailure: [t("tell")] });
    const run = await simulate(p);
    expect(run.waves).toEqual([["a"]]);
    expect(run.final.status).toBe("succeeded");
  });

  it("fails a plan that cannot progress instead of looping (unvalidated cycle)", async () => {
    const p = plan({ ...manual, steps: [t("a", ["b"]), t("b", ["a"])] });
    const run = await simulate(p);
    expect(run.final.status).toBe("failed");
    expect(run.final.failure?.message).toContain("can never start");
  });
});

describe("run progress: loops", () => {
  it("expands a loop into item units with deterministic ids, capped by concurrency", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("list"),
        t("each", ["list"], {
          forEach: "steps.list.output",
          maxItems: 10,
          concurrency: 2,
          input: { value: "{{ item * 10 }}" },
        }),
      ],
    });
    const run = await simulate(p, {
      list: () => ok([1, 2, 3, 4, 5]),
      each: async (unit) => ok((await resolveUnitInput(unit)).value),
    });
    expect(run.waves).toEqual([["list"], ["each#0", "each#1"], ["each#2", "each#3"], ["each#4"]]);
    expect(run.state.results.each).toEqual({ status: "succeeded", output: [10, 20, 30, 40, 50] });
  });

  it("gives an empty list for no items, and treats a single value as one item", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("none", [], { forEach: "[]", maxItems: 5 }),
        t("one", [], { forEach: "{'title': 'Standup'}", maxItems: 5 }),
      ],
    });
    const run = await simulate(p);
    expect(run.state.results.none).toEqual({ status: "succeeded", output: [] });
    expect(run.state.results.one).toEqual({
      status: "succeeded",
      output: [{ item: { title: "Standup" }, index: 0 }],
    });
  });

  it("fails a loop with more items than maxItems", async () => {
    const p = plan({ ...manual, steps: [t("each", [], { forEach: "[1..20]", maxItems: 10 })] });
    const run = await simulate(p);
    expect(run.final.failure).toEqual({
      step: "each",
      message: "forEach gave 20 items, more than maxItems 10; filter the list or raise maxItems",
    });
  });

  it("runs two loops over the same list side by side and joins them", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("list"),
        t("a", ["list"], { forEach: "steps.list.output", maxItems: 5 }),
        t("b", ["list"], { forEach: "steps.list.output", maxItems: 5 }),
        t("join", ["a", "b"], {
          input: { value: "{{ $count(steps.a.output) + $count(steps.b.output) }}" },
        }),
      ],
    });
    let joined: unknown;
    const run = await simulate(p, {
      list: () => ok(["x", "y"]),
      join: async (unit) => {
        joined = await resolveUnitInput(unit);
        return ok(null);
      },
    });
    expect(run.waves).toEqual([["list"], ["a#0", "a#1", "b#0", "b#1"], ["join"]]);
    expect(joined).toEqual({ value: 4 });
  });

  it("feeds a loop's list of lists into a second loop (nested loops, flattened)", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("teams", [], { forEach: "['core', 'web']", maxItems: 5 }),
        t("people", ["teams"], { forEach: "$reduce(steps.teams.output, $append)", maxItems: 10 }),
      ],
    });
    const run = await simulate(p, {
      teams: (unit) => ok([`${unit.item}-1`, `${unit.item}-2`]),
      people: (unit) => ok(`hi ${unit.item}`),
    });
    expect(run.state.results.people).toEqual({
      status: "succeeded",
      output: ["hi core-1", "hi core-2", "hi web-1", "hi web-2"],
    });
    expect(run.waves[1]).toEqual(["people#0", "people#1", "people#2", "people#3"]);
  });

  it("stops starting items after one fails, then fails the step", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("each", [], { forEach: "[1..5]", maxItems: 5, concurrency: 2 }),
        t("next", ["each"]),
      ],
    });
    const run = await simulate(p, {
      each: (unit) => (unit.index === 1 ? fail("bad item") : echo(unit)),
    });
    expect(run.waves).toEqual([["each#0", "each#1"]]);
    expect(run.final.failure).toEqual({ step: "each", message: "item 1 failed: bad item" });
    expect(run.skipped).toMatchObject({
      "each#2": "item 1 failed",
      next: 'upstream step "each" failed',
    });
  });

  it("keeps going past failed items with onError continue, leaving null in their place", async () => {
    const p = plan({
      ...manual,
      steps: [t("each", [], { forEach: "[1, 2, 3]", maxItems: 5, onError: "continue" })],
    });
    const run = await simulate(p, {
      each: (unit) => (unit.index === 1 ? fail("bad") : ok(unit.item)),
    });
    expect(run.state.results.each).toEqual({
      status: "succeeded",
      output: [1, null, 3],
      itemErrors: [{ index: 1, message: "bad" }],
    });
    expect(run.final.status).toBe("succeeded");
  });

  it("keeps a loop's items fixed once expanded, even if now moves on", async () => {
    const p = plan({
      ...manual,
      timezone: "UTC",
      steps: [
        t("each", [], { forEach: "[1..3][$localTime() < '06:00']", maxItems: 5, concurrency: 1 }),
      ],
    });
    let state = initialRunState();
    const first = await nextActions(p, state, { now: "2026-03-30T05:30:00.000Z" });
    state = recordResult(first.state, "each#0", ok(1));
    const second = await nextActions(p, state, { now: "2026-03-30T07:00:00.000Z" });
    expect(second.ready.map((u) => u.id)).toEqual(["each#1"]);
  });
});

describe("run progress: interpreters that await units one by one", () => {
  it("does not hand out running units again and counts them against concurrency", async () => {
    const p = plan({
      ...manual,
      steps: [t("each", [], { forEach: "[1..4]", maxItems: 5, concurrency: 2 }), t("other")],
    });
    const first = await nextActions(p, initialRunState(), { now: "2026-03-30T05:30:00.000Z" });
    expect(first.ready.map((u) => u.id)).toEqual(["each#0", "each#1", "other"]);
    let state = markRunning(first.state, ["each#0", "each#1", "other"]);
    state = recordResult(state, "each#0", ok(1));
    const second = await nextActions(p, state, { now: "2026-03-30T05:31:00.000Z" });
    expect(second.ready.map((u) => u.id)).toEqual(["each#2"]);
    expect(second.status).toBe("running");
  });

  it("is a pure function: the same inputs give the same decision", async () => {
    const p = plan({ ...manual, steps: [t("a"), t("b", ["a"], { if: "steps.a.output > 1" })] });
    const state = recordResult(initialRunState(), "a", ok(2));
    const context = { now: "2026-03-30T05:30:00.000Z", trigger: { type: "manual", inputs: {} } };
    const one = await nextActions(p, state, context);
    const two = await nextActions(p, state, context);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(state.results.b).toBeUndefined();
  });
});

describe("run progress: scope", () => {
  it("puts resume URLs of waits in scope from the first pass, and secrets only on request", async () => {
    const p = plan({
      ...manual,
      steps: [
        {
          id: "mail",
          action: "email.send",
          input: { to: "a@b.co", subject: "Link", text: "{{ waits.ok.url }} {{ secrets.SIGN }}" },
        },
        { id: "ok", action: "wait.event", after: ["mail"], input: { timeout: "1h" } },
      ],
    });
    const next = await nextActions(p, initialRunState(), {
      now: "2026-03-30T05:30:00.000Z",
      waits: { ok: { url: "https://flowchat.test/resume/tok123" } },
    });
    const unit = next.ready[0];
    await expect(resolveUnitInput(unit)).rejects.toThrow(
      "text: {{ secrets.SIGN }} failed: the secret SIGN is not available here",
    );
    expect(await resolveUnitInput(unit, { secrets: { SIGN: "s3cret" } })).toMatchObject({
      text: "https://flowchat.test/resume/tok123 s3cret",
    });
    expect(JSON.stringify(next.state)).not.toContain("s3cret");
  });
});

describe("run progress: otherwise branches (else)", () => {
  const branches = (condition: string, extra: Record<string, unknown> = {}) =>
    plan({
      ...manual,
      steps: [
        t("lookup"),
        t("slack", ["lookup"], { if: condition }),
        t("sheet", [], { else: "slack", ...extra }),
        t("done", ["slack", "sheet"]),
      ],
    });

  it("runs the otherwise branch when the condition is false, and not the step", async () => {
    const run = await simulate(branches("steps.lookup.output.employees > 50"), {
      lookup: () => ok({ employees: 12 }),
    });
    expect(run.waves).toEqual([["lookup"], ["sheet"], ["done"]]);
    expect(run.skipped.slack).toBe("condition is false: steps.lookup.output.employees > 50");
    expect(run.final.status).toBe("succeeded");
  });

  it("skips the otherwise branch when the step ran, saying so, and its dependents still run", async () => {
    const run = await simulate(branches("steps.lookup.output.employees > 50"), {
      lookup: () => ok({ employees: 80 }),
    });
    expect(run.waves).toEqual([["lookup"], ["slack"], ["done"]]);
    expect(run.skipped.sheet).toBe('"slack" ran instead (this step is its otherwise branch)');
    expect(run.state.results.sheet).toMatchObject({ status: "skipped", cause: "other-branch" });
  });

  it("fails the step, naming the missing path, instead of silently taking a branch", async () => {
    const run = await simulate(branches("steps.lookup.output.employees > 50"), {
      lookup: () => ok({ name: "Acme" }),
    });
    expect(run.final.status).toBe("failed");
    expect(run.state.results.slack).toEqual({
      status: "failed",
      error: {
        message:
          'condition "steps.lookup.output.employees > 50" failed: steps.lookup.output.employees is missing (steps.lookup.output has: name); the condition cannot choose between this step and its otherwise branch: handle a missing value with $exists(steps.lookup.output.employees) or a default like (steps.lookup.output.employees ?? 0)',
      },
    });
    expect(run.state.results.sheet).toMatchObject({ status: "skipped", cause: "upstream-failed" });
    expect(run.waves.flat()).not.toContain("sheet");
  });

  it("lets a condition that tests $exists or gives a default decide on a missing value", async () => {
    for (const condition of [
      "$exists(steps.lookup.output.employees) and steps.lookup.output.employees > 50",
      "(steps.lookup.output.employees ?? 0) > 50",
    ]) {
      const run = await simulate(branches(condition), { lookup: () => ok({ name: "Acme" }) });
      expect(run.final.status).toBe("succeeded");
      expect(run.waves.flat()).toContain("sheet");
    }
  });

  it("chains else-if branches: exactly one of three runs", async () => {
    const p = plan({
      ...manual,
      steps: [
        t("size"),
        t("big", ["size"], { if: "steps.size.output > 100" }),
        t("mid", [], { else: "big", if: "steps.size.output > 10" }),
        t("small", [], { else: "mid" }),
      ],
    });
    for (const [size, runs] of [
      [500, "big"],
      [50, "mid"],
      [5, "small"],
    ] as const) {
      const run = await simulate(p, { size: () => ok(size) });
      const ran = run.waves.flat().filter((id) => id !== "size");
      expect(ran).toEqual([runs]);
    }
    const big = await simulate(p, { size: () => ok(500) });
    expect(big.skipped.small).toBe('"big" ran instead (this step is its otherwise branch)');
  });

  it("skips the otherwise branch when the step failed with onError continue", async () => {
    const p = plan({
      ...manual,
      steps: [t("a", [], { if: "true", onError: "continue" }), t("b", [], { else: "a" })],
    });
    const run = await simulate(p, { a: () => fail("boom") });
    expect(run.skipped.b).toBe('"a" was taken instead and failed');
    expect(run.final.status).toBe("succeeded");
  });
});

describe("run progress: one step at a time (no waves)", () => {
  const now = "2026-03-30T05:30:00.000Z";

  it("decides a step from its own dependencies only, whatever its siblings are doing", async () => {
    const p = plan({ ...manual, steps: [t("slow"), t("c1"), t("c2", ["c1"])] });
    // c1 is done while slow still runs: c2 is ready now.
    const state = markRunning(recordResult(initialRunState(), "c1", ok(1)), ["slow"]);
    const decision = await decideStep(p, state, "c2", { now });
    expect(decision.ready.map((u) => u.id)).toEqual(["c2"]);
    expect(decision.decided).toEqual([]);
    // The same answer with other steps' results in or out of the state: only c1's counts.
    const later = recordResult(state, "slow", ok(9));
    const again = await decideStep(p, later, "c2", { now });
    expect(again.ready.map((u) => u.id)).toEqual(["c2"]);
  });

  it("skips a step whose condition is false, and a dependent of a failed step, without running them", async () => {
    const p = plan({
      ...manual,
      steps: [t("a"), t("b", ["a"], { if: "steps.a.output > 10" }), t("x"), t("y", ["x"])],
    });
    const state = recordResult(recordResult(initialRunState(), "a", ok(3)), "x", fail("boom"));
    const b = await decideStep(p, state, "b", { now });
    expect(b.ready).toEqual([]);
    expect(b.decided).toEqual([
      {
        unitId: "b",
        result: {
          status: "skipped",
          reason: "condition is false: steps.a.output > 10",
          cause: "condition",
        },
      },
    ]);
    const y = await decideStep(p, state, "y", { now });
    expect(y.decided[0]?.result).toMatchObject({ status: "skipped", cause: "upstream-failed" });
    expect(runFailure(p.steps, recordResult(state, "y", y.decided[0].result))).toEqual({
      step: "x",
      message: "boom",
    });
  });

  it("says which decisions read the clock: a condition or a forEach", () => {
    expect(decisionReadsClock({ if: "$now() > '2026'" })).toBe(true);
    expect(decisionReadsClock({ forEach: "[1,2]" })).toBe(true);
    expect(decisionReadsClock({})).toBe(false);
  });

  it("keeps a loop's concurrency in flight: each ended item hands out the next one", async () => {
    const p = plan({
      ...manual,
      steps: [t("each", [], { forEach: "[1..5]", maxItems: 5, concurrency: 2 })],
    });
    const first = await decideStep(p, initialRunState(), "each", { now });
    expect(first.loop?.items).toEqual([1, 2, 3, 4, 5]);
    expect(first.ready.map((u) => u.id)).toEqual(["each#0", "each#1"]);
    // Item 1 ends while item 0 still runs: item 2 starts at once, not with the next batch.
    let state: RunState = { ...initialRunState(), loops: { each: first.loop ?? { items: [] } } };
    state = recordResult(markRunning(state, ["each#0"]), "each#1", ok(2));
    const next = continueLoop(p, state, "each", { now });
    expect(next.ready.map((u) => u.id)).toEqual(["each#2"]);
    expect(next.decided).toEqual([]);
    // The last item ends: the loop's result, nothing more to start.
    let done = state;
    for (const i of [0, 2, 3, 4]) done = recordResult(done, `each#${i}`, ok(i + 1));
    const end = continueLoop(p, { ...done, running: [] }, "each", { now });
    expect(end.ready).toEqual([]);
    expect(end.decided).toEqual([
      { unitId: "each", result: { status: "succeeded", output: [1, 2, 3, 4, 5] } },
    ]);
  });

  it("fails the steps of a plan that cannot progress (an unvalidated cycle)", () => {
    const p = plan({ ...manual, steps: [t("a", ["b"]), t("b", ["a"])] });
    expect(stuckSteps(p.steps, initialRunState()).map((d) => d.unitId)).toEqual(["a", "b"]);
  });
});
