import { describe, expect, it } from "vitest";
import { diffPlans, renderPlanDiff } from "@/lib/plan/diff";
import { type Plan, PlanSchema } from "@/lib/plan/schema";

function v1(): Plan {
  return PlanSchema.parse({
    version: 1,
    title: "Incident digest",
    trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "Europe/Berlin" },
    steps: [
      {
        id: "fetch",
        action: "http.request",
        input: { url: "https://a.example.com/incidents" },
        timeout: "30s",
      },
      {
        id: "post",
        action: "chat.post",
        after: ["fetch"],
        input: { text: "{{ steps.fetch.output.body }}" },
      },
      { id: "old", action: "chat.post", after: ["fetch"], input: { text: "bye" } },
    ],
  });
}

describe("plan diff", () => {
  it("says nothing changed for the same plan", () => {
    const diff = diffPlans(v1(), v1());
    expect(diff.unchanged).toBe(true);
    expect(renderPlanDiff(diff)).toEqual(["No changes."]);
  });

  it("reports trigger, added, removed and field-level step changes, and dependencies", () => {
    const v2 = v1();
    v2.title = "Incident digest (8am)";
    v2.trigger = { type: "schedule", cron: "0 8 * * *", timezone: "Europe/Berlin" };
    v2.steps[0] = {
      ...v2.steps[0],
      input: { url: "https://b.example.com/incidents" },
      retry: { attempts: 3 },
    };
    v2.steps = [
      v2.steps[0],
      {
        id: "summarize",
        action: "ai.generate",
        after: ["fetch"],
        input: { prompt: "{{ steps.fetch.output.body }}" },
      },
      { ...v2.steps[1], after: ["summarize"], if: "steps.summarize.output.text != ''" },
    ];
    const diff = diffPlans(v1(), v2);
    expect(diff.unchanged).toBe(false);
    expect(diff.steps.added.map((s) => s.id)).toEqual(["summarize"]);
    expect(diff.steps.removed.map((s) => s.id)).toEqual(["old"]);
    expect(diff.steps.changed).toEqual([
      {
        id: "fetch",
        action: "http.request",
        changes: [
          {
            field: "input.url",
            before: "https://a.example.com/incidents",
            after: "https://b.example.com/incidents",
          },
          { field: "retry", before: undefined, after: { attempts: 3 } },
        ],
      },
      {
        id: "post",
        action: "chat.post",
        changes: [{ field: "if", before: undefined, after: "steps.summarize.output.text != ''" }],
      },
    ]);
    expect(diff.steps.dependencies).toEqual([
      { id: "post", added: ["summarize"], removed: ["fetch"] },
    ]);
    expect(renderPlanDiff(diff)).toEqual([
      '~ title: "Incident digest" → "Incident digest (8am)"',
      "~ trigger: Every weekday at 07:30 (Europe/Berlin) → Every day at 08:00 (Europe/Berlin)",
      '+ step "summarize" (ai.generate) added',
      '- step "old" (chat.post) removed',
      '~ step "fetch": input.url "https://a.example.com/incidents" → "https://b.example.com/incidents"',
      '~ step "fetch": retry (none) → {"attempts":3}',
      '~ step "post": if (none) → "steps.summarize.output.text != \'\'"',
      '~ step "post": now after "summarize", no longer after "fetch"',
    ]);
  });

  it("reports the workflow's limits field by field", () => {
    const before = { ...v1(), limits: { timeout: "10m" } };
    const after = { ...v1(), limits: { timeout: "5m", singleton: "skip" as const } };
    const diff = diffPlans(before, after);
    expect(diff.unchanged).toBe(false);
    expect(renderPlanDiff(diff)).toEqual([
      '~ limits.singleton: (none) → "skip"',
      '~ limits.timeout: "10m" → "5m"',
    ]);
    expect(renderPlanDiff(diffPlans(v1(), { ...v1(), limits: { concurrency: 2 } }))).toEqual([
      "~ limits.concurrency: (none) → 2",
    ]);
  });

  it("shows trigger field changes when the description stays the same", () => {
    const a = PlanSchema.parse({
      version: 1,
      title: "t",
      trigger: { type: "event", event: "x/y" },
      steps: [{ id: "a", action: "transform", input: { value: 1 } }],
    });
    const b = { ...a, trigger: { type: "event" as const, event: "x/z" } };
    expect(renderPlanDiff(diffPlans(a, b))).toEqual([
      '~ trigger: When the event "x/y" arrives → When the event "x/z" arrives',
    ]);
    const c = PlanSchema.parse({
      ...a,
      trigger: { type: "manual", inputs: { city: { type: "string" } } },
    });
    const d = PlanSchema.parse({
      ...a,
      trigger: { type: "manual", inputs: { city: { type: "string", default: "Berlin" } } },
    });
    expect(renderPlanDiff(diffPlans(c, d))).toEqual([
      '~ trigger.inputs.city.default: (none) → "Berlin"',
    ]);
  });

  it("notices onFailure changes and reordering", () => {
    const a = v1();
    const b = {
      ...v1(),
      steps: [v1().steps[0], v1().steps[2], v1().steps[1]],
      onFailure: [{ id: "tell", action: "chat.post", input: { text: "failed" } }],
    };
    expect(renderPlanDiff(diffPlans(a, b))).toEqual([
      "~ steps reordered",
      '+ onFailure step "tell" (chat.post) added',
    ]);
  });
});
