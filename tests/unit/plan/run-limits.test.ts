// A workflow's `limits` and its trigger's idempotency key: what validates, the exact errors of
// what does not, their words on the card, and the key a delivery resolves to.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planJsonSchema } from "@/lib/plan/json-schema";
import { planLanguageGuide } from "@/lib/plan/language-guide";
import { describeLimits, resolveDeliveryKey, runLimitsOf, timeoutMessage } from "@/lib/plan/limits";
import type { Plan } from "@/lib/plan/schema";
import { summarizePlan } from "@/lib/plan/summary";
import { basePlan, errorLines, type PlanJson } from "./helpers";

const webhook = (extra: Record<string, unknown> = {}) => ({ type: "webhook", ...extra });

function withLimits(limits: unknown, trigger: unknown = webhook()): PlanJson {
  return { ...basePlan(), trigger, limits } as PlanJson;
}

describe("limits: what validates", () => {
  it("accepts every limit together on a webhook workflow with a key", () => {
    const plan = withLimits(
      {
        concurrency: 1,
        rate: { limit: 10, period: "1h" },
        debounce: "5m",
        singleton: "skip",
        timeout: "10m",
      },
      webhook({ idempotencyKey: "{{ trigger.body.id }}" }),
    );
    expect(errorLines(plan)).toEqual([]);
  });

  it("accepts an event trigger's key over its data, and a header with a dash", () => {
    expect(
      errorLines({
        ...basePlan(),
        trigger: {
          type: "event",
          event: "workflow/run.finished",
          idempotencyKey: "{{ trigger.data.runId }}",
        },
      }),
    ).toEqual([]);
    expect(
      errorLines(withLimits({}, webhook({ idempotencyKey: "{{ trigger.headers.`x-id` }}" }))),
    ).toEqual([]);
  });
});

describe("limits: clear errors", () => {
  const cases: { name: string; plan: unknown; errors: string[] }[] = [
    {
      name: "at most 0 runs at once",
      plan: withLimits({ concurrency: 0 }),
      errors: ["limits.concurrency: must be at least 1"],
    },
    {
      name: "a negative rate",
      plan: withLimits({ rate: { limit: -3, period: "1h" } }),
      errors: ["limits.rate.limit: must be at least 1"],
    },
    {
      name: "a fractional concurrency",
      plan: withLimits({ concurrency: 1.5 }),
      errors: ["limits.concurrency: expected a whole number, got the number 1.5"],
    },
    {
      name: "a period of zero",
      plan: withLimits({ rate: { limit: 5, period: "0s" } }),
      errors: ['limits.rate.period: "0s" must be longer than zero'],
    },
    {
      name: "an absurd period",
      plan: withLimits({ rate: { limit: 5, period: "400d" } }),
      errors: ['limits.rate.period: "400d" is longer than the maximum of 366 days'],
    },
    {
      name: "a period past a day",
      plan: withLimits({ rate: { limit: 5, period: "3d" } }),
      errors: ['limits.rate.period: the period must be between 1 s and 24 hours, got "3d"'],
    },
    {
      name: "a period that is not a duration",
      plan: withLimits({ rate: { limit: 5, period: "a fortnight" } }),
      errors: [
        'limits.rate.period: "a fortnight" is not a duration like "30s", "5m", "1h30m" or "2d" (units: ms, s, m, h, d, w)',
      ],
    },
    {
      name: "a debounce longer than a week",
      plan: withLimits({ debounce: "8d" }),
      errors: ['limits.debounce: debounce must be between 1 s and 7 days, got "8d"'],
    },
    {
      name: "a debounce on a schedule",
      plan: withLimits({ debounce: "5m" }, basePlan().trigger),
      errors: [
        'limits.debounce: debounce settles bursts of deliveries: only webhook and event triggers have them, this one is "schedule"',
      ],
    },
    {
      name: "a timeout too short",
      plan: withLimits({ timeout: "500ms" }),
      errors: ['limits.timeout: the timeout must be between 1 s and 366 days, got "500ms"'],
    },
    {
      name: "an unknown singleton mode",
      plan: withLimits({ singleton: "queue" }),
      errors: ['limits.singleton: must be one of "skip", "replace", got "queue"'],
    },
    {
      name: "singleton with room for three",
      plan: withLimits({ singleton: "skip", concurrency: 3 }),
      errors: [
        "limits.concurrency: singleton already means one run at a time; drop concurrency (3) or singleton",
      ],
    },
    {
      name: "an unknown limit",
      plan: withLimits({ maxRuns: 3 }),
      errors: [
        'limits: unknown field "maxRuns"; allowed: concurrency, rate, debounce, singleton, timeout',
      ],
    },
    {
      name: "a key without a binding",
      plan: withLimits({}, webhook({ idempotencyKey: "order" })),
      errors: [
        'trigger.idempotencyKey: "order" has no {{ }}: it is the same for every delivery, so only the first would run in 24 h; name the delivery, e.g. "{{ trigger.body.id }}"',
      ],
    },
    {
      name: "a key never closed",
      plan: withLimits({}, webhook({ idempotencyKey: "{{ trigger.body.id" })),
      errors: ['trigger.idempotencyKey: "{{" at character 1 is never closed with "}}"'],
    },
    {
      name: "a key reading the clock",
      plan: withLimits({}, webhook({ idempotencyKey: "{{ now }}" })),
      errors: [
        "trigger.idempotencyKey: now: the idempotency key names the delivery before the run starts; it can read only trigger (e.g. {{ trigger.body.id }})",
      ],
    },
    {
      name: "a key reading a secret",
      plan: withLimits({}, webhook({ idempotencyKey: "{{ secrets.TOKEN }}" })),
      errors: [
        "trigger.idempotencyKey: secrets: the idempotency key names the delivery before the run starts; it can read only trigger (e.g. {{ trigger.body.id }})",
      ],
    },
    {
      name: "a key on a schedule",
      plan: {
        ...basePlan(),
        trigger: { ...(basePlan().trigger as object), idempotencyKey: "{{ trigger.body.id }}" },
      },
      errors: ['trigger: unknown field "idempotencyKey"; allowed: type, cron, timezone'],
    },
  ];
  for (const { name, plan, errors } of cases) {
    it(name, () => {
      const lines = errorLines(plan);
      for (const error of errors) expect(lines).toContain(error);
      expect(lines.length).toBeGreaterThan(0);
    });
  }
});

describe("limits: words", () => {
  const plan = (limits: Plan["limits"], trigger: unknown = webhook()) =>
    ({ ...basePlan(), trigger, limits }) as unknown as Plan;

  it("says singleton and the key as the card does", () => {
    expect(
      describeLimits(
        plan({ singleton: "skip" }, webhook({ idempotencyKey: "{{ trigger.body.id }}" })),
      ),
    ).toEqual([
      "at most one run at a time (one that would start meanwhile is skipped)",
      "a repeated delivery with the same id is ignored (24 hours)",
    ]);
  });

  it("says each limit", () => {
    expect(
      describeLimits(
        plan({
          concurrency: 3,
          rate: { limit: 10, period: "1h" },
          debounce: "5m",
          timeout: "10m",
        }),
      ),
    ).toEqual([
      "waits for a burst of deliveries to settle (5 min without a new one), then runs once with the last",
      "at most 3 runs at a time (more wait their turn)",
      "at most 10 runs per hour (more wait their turn)",
      "a run taking longer than 10 min fails",
    ]);
    expect(
      describeLimits(plan({ singleton: "replace", rate: { limit: 1, period: "90s" } })),
    ).toEqual([
      "at most one run at a time (a new one cancels the one still going)",
      "at most one run per 90 s (more wait their turn)",
    ]);
    expect(describeLimits(plan({ concurrency: 1 }))).toEqual([
      "at most one run at a time (more wait their turn)",
    ]);
    expect(describeLimits(plan(undefined))).toEqual([]);
  });

  it("names a template it cannot shorten", () => {
    expect(
      describeLimits(
        plan({}, webhook({ idempotencyKey: "{{ trigger.body.shop }}-{{ trigger.body.n }}" })),
      ),
    ).toEqual([
      "a repeated delivery with the same key ({{ trigger.body.shop }}-{{ trigger.body.n }}) is ignored (24 hours)",
    ]);
  });

  it("puts them in the summary and the timeout into the failure", () => {
    expect(summarizePlan(plan({ singleton: "skip", timeout: "10m" }))).toContain(
      "Limits: at most one run at a time (one that would start meanwhile is skipped); a run taking longer than 10 min fails.",
    );
    expect(timeoutMessage(600_000)).toBe("Run exceeded its 10 min time limit");
    expect(timeoutMessage(2 * 86_400_000)).toBe("Run exceeded its 2 days time limit");
  });
});

describe("limits: runtime values and keys", () => {
  it("gives milliseconds, and no debounce for triggers without deliveries", () => {
    const limits = { rate: { limit: 2, period: "1m" }, debounce: "5m", timeout: "10m" };
    expect(runLimitsOf({ limits, trigger: { type: "webhook" } })).toEqual({
      rate: { limit: 2, periodMs: 60_000 },
      debounceMs: 300_000,
      timeoutMs: 600_000,
    });
    expect(runLimitsOf({ limits, trigger: { type: "manual" } }).debounceMs).toBeUndefined();
  });

  it("resolves a delivery's key, and none when the delivery lacks it", async () => {
    const env = { now: "2026-03-28T06:00:00.000Z", timeZone: "UTC" };
    expect(await resolveDeliveryKey("{{ trigger.body.id }}", { body: { id: 42 } }, env)).toBe("42");
    expect(
      await resolveDeliveryKey(
        "{{ trigger.body.shop }}/{{ trigger.body.n }}",
        { body: { shop: "a", n: 1 } },
        env,
      ),
    ).toBe("a/1");
    expect(await resolveDeliveryKey("{{ trigger.body.id }}", { body: {} }, env)).toBeUndefined();
    expect(
      await resolveDeliveryKey("{{ trigger.body.id }}", { body: { id: "" } }, env),
    ).toBeUndefined();
  });
});

describe("limits: the planner knows them", () => {
  it("describes limits and the key in the guide and the JSON schema", () => {
    const guide = planLanguageGuide();
    expect(guide).toContain('"singleton": "skip" | "replace"');
    expect(guide).toContain('"idempotencyKey": "{{ trigger.body.id }}"');
    expect(guide).toContain("ignore duplicate deliveries");
    const schema = JSON.stringify(planJsonSchema());
    expect(schema).toContain("idempotencyKey");
    expect(schema).toContain('"limits"');
  });
});

describe("limits: properties", () => {
  const weighted = <T>(good: T[], bad: T[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom(...good), weight: 5 },
      { arbitrary: fc.constantFrom(...bad), weight: 1 },
    );
  const duration = weighted(["1s", "90s", "5m", "1h", "24h"], ["0s", "500ms", "3d", "400d", "x"]);
  const limitsArb = fc.record(
    {
      concurrency: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 5 },
        { arbitrary: fc.integer({ min: -3, max: 0 }), weight: 1 },
      ),
      rate: fc.record({ limit: fc.integer({ min: 0, max: 10_000 }), period: duration }),
      debounce: duration,
      singleton: weighted(["skip", "replace"], ["queue"]),
      timeout: duration,
    },
    { requiredKeys: [] },
  );
  const triggerArb = fc.constantFrom<Record<string, unknown>>(
    { type: "webhook" },
    { type: "webhook", idempotencyKey: "{{ trigger.body.id }}" },
    { type: "webhook", idempotencyKey: "fixed" },
    { type: "event", event: "workflow/run.finished", idempotencyKey: "{{ trigger.data.runId }}" },
    { type: "manual" },
  );

  it("a plan validates exactly when its limits are in bounds, and then each limit has its words", () => {
    let valid = 0;
    fc.assert(
      fc.property(limitsArb, triggerArb, (limits, trigger) => {
        const json = { ...basePlan(), trigger, limits };
        const errors = errorLines(json);
        if (errors.length > 0) {
          // Every refusal is about the limits or the trigger, and names the field.
          for (const line of errors) expect(line).toMatch(/^(limits|trigger)(\.\w+)*: /);
          return;
        }
        valid++;
        const plan = json as unknown as Plan;
        const set = ["debounce", "rate", "timeout"].filter(
          (key) => (limits as Record<string, unknown>)[key] !== undefined,
        );
        const oneAtATime = limits.singleton !== undefined || limits.concurrency !== undefined;
        const keyed = (trigger as { idempotencyKey?: string }).idempotencyKey !== undefined;
        expect(describeLimits(plan)).toHaveLength(
          set.length + (oneAtATime ? 1 : 0) + (keyed ? 1 : 0),
        );
        const ms = runLimitsOf(plan);
        if (ms.concurrency !== undefined) expect(ms.concurrency).toBeGreaterThanOrEqual(1);
        if (ms.rate) expect(ms.rate.periodMs).toBeGreaterThanOrEqual(1000);
        if (ms.timeoutMs !== undefined) expect(ms.timeoutMs).toBeGreaterThanOrEqual(1000);
      }),
      { numRuns: 400 },
    );
    // Both sides were exercised.
    expect(valid).toBeGreaterThan(30);
  });
});
