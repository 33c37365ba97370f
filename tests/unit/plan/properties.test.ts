// Property-based: whatever a model (or a person) writes, validation, summaries and the
// run progress answer without crashing, and a valid plan always runs to the end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { diffPlans, renderPlanDiff } from "@/lib/plan/diff";
import { summarizePlan } from "@/lib/plan/summary";
import { validatePlan } from "@/lib/plan/validate";
import { fail, ok, simulate } from "./run-simulator";

const ids = ["a", "b", "c", "d", "e", "f"];
const actions = ["transform", "chat.post", "http.request", "wait.delay", "email.send", "nope.x"];
const expressions = [
  "steps.a.output",
  "steps.b.output > 1",
  "$count(steps.c.output) > 0",
  "item.x",
  "waits.d.url",
  "trigger.inputs.city",
  "$localTime() < '08:00'",
  "{{ bad",
  "$random()",
  "[1, 2, 3]",
  "(",
  "secrets.KEY",
  "$atLocalTime('08:30')",
];

const stepArb = fc.record(
  {
    id: fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 6 })),
    action: fc.constantFrom(...actions),
    after: fc.array(fc.constantFrom(...ids), { maxLength: 3 }),
    if: fc.constantFrom(...expressions),
    forEach: fc.constantFrom(...expressions),
    maxItems: fc.integer({ min: -1, max: 2000 }),
    concurrency: fc.integer({ min: 0, max: 30 }),
    onError: fc.constantFrom("fail", "continue", "ignore"),
    timeout: fc.constantFrom("30s", "5m", "soon", "0s"),
    input: fc.oneof(
      fc.dictionary(
        fc.constantFrom("value", "text", "url", "duration", "to", "subject"),
        fc.oneof(
          fc.constantFrom(...expressions).map((e) => `{{ ${e} }}`),
          fc.constantFrom("https://example.com", "5m", "hi {{ steps.a.output }}", "x"),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: ["id", "action"] },
);

const triggerArb = fc.oneof(
  fc.constant({ type: "manual", inputs: { city: { type: "string" } } }),
  fc.record({
    type: fc.constant("schedule"),
    cron: fc.constantFrom("30 7 * * 1-5", "61 * * * *", "* * * * *", "@daily", "x"),
    timezone: fc.constantFrom("Europe/Berlin", "America/New_York", "Mars/Base"),
  }),
  fc.constant({ type: "webhook" }),
  fc.record({
    type: fc.constant("event"),
    event: fc.constantFrom("workflow/run.finished", "x/y"),
    if: fc.constantFrom(...expressions),
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

const planArb = fc.record(
  {
    version: fc.constantFrom(1, 1, 1, 2),
    title: fc.string({ maxLength: 20 }),
    timezone: fc.constantFrom("Europe/Berlin", "Nowhere/City"),
    trigger: triggerArb,
    steps: fc.array(stepArb, { minLength: 0, maxLength: 6 }),
    onFailure: fc.array(stepArb, { maxLength: 2 }),
  },
  { requiredKeys: ["version", "title", "trigger", "steps"] },
);

describe("plan properties", () => {
  it("validation never throws, and every issue has a path and a message", () => {
    fc.assert(
      fc.property(fc.oneof(planArb, fc.jsonValue({ maxDepth: 3 })), (plan) => {
        const result = validatePlan(plan, { catalog: actionRegistry, secrets: ["KEY"] });
        const issues = result.ok ? result.warnings : [...result.errors, ...result.warnings];
        for (const issue of issues) {
          expect(typeof issue.path).toBe("string");
          expect(issue.message.length).toBeGreaterThan(0);
        }
        if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("summaries and diffs of valid plans never throw", () => {
    fc.assert(
      fc.property(planArb, planArb, (a, b) => {
        const ra = validatePlan(a, { catalog: actionRegistry });
        const rb = validatePlan(b, { catalog: actionRegistry });
        if (ra.ok)
          expect(summarizePlan(ra.plan, { catalog: actionRegistry })).toContain(ra.plan.title);
        if (ra.ok && rb.ok)
          expect(renderPlanDiff(diffPlans(ra.plan, rb.plan)).length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  // Random DAGs of transform steps with random conditions, loops and failures.
  const dagArb = fc
    .array(
      fc.record({
        deps: fc.array(fc.nat(), { maxLength: 3 }),
        condition: fc.option(
          fc.constantFrom(
            "true",
            "false",
            "steps.s0.status = 'succeeded'",
            "$count(steps.s0.output) > 1",
          ),
        ),
        loop: fc.option(fc.constantFrom("[1, 2, 3]", "[]", "steps.s0.output")),
        concurrency: fc.integer({ min: 1, max: 3 }),
        onError: fc.constantFrom("fail", "continue"),
        fails: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((specs) =>
      specs.map((spec, i) => ({
        spec,
        step: {
          id: `s${i}`,
          action: "transform",
          // Only earlier steps, so the graph is acyclic; s0 first keeps references upstream.
          after:
            i === 0 ? [] : [...new Set([0, ...spec.deps.map((d) => d % i)])].map((d) => `s${d}`),
          input: { value: "{{ 1 }}" },
          ...(i > 0 && spec.condition ? { if: spec.condition } : {}),
          ...(i > 0 && spec.loop
            ? { forEach: spec.loop, maxItems: 10, concurrency: spec.concurrency }
            : {}),
          onError: spec.onError,
        },
      })),
    );

  it("the run progress always finishes a valid plan, giving every step a result", async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, async (entries) => {
        const plan = {
          version: 1,
          title: "random",
          trigger: { type: "manual" },
          steps: entries.map((entry) => entry.step),
          onFailure: [{ id: "tell", action: "chat.post", input: { text: "{{ error.step }}" } }],
        };
        const validation = validatePlan(plan, { catalog: actionRegistry });
        expect(validation.ok ? [] : validation.errors).toEqual([]);
        if (!validation.ok) return;
        expect(summarizePlan(validation.plan, { catalog: actionRegistry })).toContain("random");
        const failing = new Set(entries.filter((e) => e.spec.fails).map((e) => e.step.id));
        const run = await simulate(
          validation.plan,
          Object.fromEntries(
            entries.map((e) => [
              e.step.id,
              () => (failing.has(e.step.id) ? fail("nope") : ok([1, 2])),
            ]),
          ),
        );
        expect(["succeeded", "failed"]).toContain(run.final.status);
        for (const entry of entries) expect(run.state.results[entry.step.id]).toBeDefined();
        const ran = new Set(run.waves.flat());
        if (run.final.status === "failed") expect(run.state.results.tell).toBeDefined();
        else expect(ran.has("tell")).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

describe("otherwise branches", () => {
  const conditions = [
    "steps.s0.output.n > 5",
    "steps.s0.output.n = steps.s0.output.m",
    "$exists(steps.s0.output.n) and steps.s0.output.n > 5",
    "(steps.s0.output.n ?? 0) > 5",
    "steps.s0.output.flag",
    "steps.s0.output.tags[$ = 'x']",
    "true",
    "false",
  ];
  const outputArb = fc.record(
    {
      n: fc.integer({ min: 0, max: 10 }),
      m: fc.integer({ min: 0, max: 10 }),
      flag: fc.boolean(),
      tags: fc.array(fc.constantFrom("x", "y"), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );

  it("exactly one of a step and its otherwise branch runs, or the run fails saying why", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...conditions),
        outputArb,
        fc.boolean(),
        fc.constantFrom("fail", "continue"),
        async (condition, output, aFails, onError) => {
          const plan = {
            version: 1,
            title: "branches",
            trigger: { type: "manual" },
            steps: [
              { id: "s0", action: "transform", input: { value: "{{ 1 }}" } },
              {
                id: "a",
                action: "transform",
                after: ["s0"],
                if: condition,
                onError,
                input: { value: "{{ 1 }}" },
              },
              { id: "b", action: "transform", else: "a", input: { value: "{{ 2 }}" } },
              { id: "c", action: "transform", after: ["a", "b"], input: { value: "{{ 3 }}" } },
            ],
          };
          const validation = validatePlan(plan, { catalog: actionRegistry });
          expect(validation.ok ? [] : validation.errors).toEqual([]);
          if (!validation.ok) return;
          const run = await simulate(validation.plan, {
            s0: () => ok(output),
            a: () => (aFails ? fail("nope") : ok("a")),
          });
          const ran = new Set(run.waves.flat());
          expect(ran.has("a") && ran.has("b")).toBe(false);
          const a = run.state.results.a;
          if (a?.status === "failed" && !ran.has("a")) {
            // The condition could not decide: a missing value, named in the error.
            expect(a.error.message).toMatch(/is missing/);
            expect(ran.has("b")).toBe(false);
            if (onError === "fail") expect(run.final.status).toBe("failed");
          } else {
            expect(ran.has("a") || ran.has("b")).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
