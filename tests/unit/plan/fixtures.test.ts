// Every plan in tests/fixtures/plans validates and summarizes; every invalid one fails
// with the errors listed beside it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { nextFireTimes } from "@/lib/plan/schedule";
import { summarizePlan } from "@/lib/plan/summary";
import { formatIssues, validatePlan } from "@/lib/plan/validate";

const dir = path.join(import.meta.dirname, "../../fixtures/plans");
const valid = readdirSync(dir).filter((file) => file.endsWith(".json"));
const invalidDir = path.join(dir, "invalid");
const invalid = readdirSync(invalidDir).filter((file) => file.endsWith(".json"));

function load(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}

describe("plan fixtures", () => {
  it("has the expressiveness target and the others", () => {
    expect(valid).toEqual(
      expect.arrayContaining([
        "meeting-prep.json",
        "morning-incident-digest.json",
        "signup-to-slack.json",
        "weather-report.json",
        "refund-approval.json",
        "weekly-team-reports.json",
      ]),
    );
  });

  for (const file of valid) {
    it(`${file} validates without errors or warnings, and summarizes`, () => {
      const result = validatePlan(load(path.join(dir, file)), {
        catalog: actionRegistry,
        secrets: ["TASKS_TOKEN", "SLACK_WEBHOOK", "WEATHER_KEY", "BILLING_TOKEN"],
      });
      expect(result.ok ? [] : formatIssues(result.errors)).toEqual([]);
      expect(formatIssues(result.warnings)).toEqual([]);
      if (!result.ok) return;
      const summary = summarizePlan(result.plan, { catalog: actionRegistry });
      expect(summary.split("\n")[0]).toBe(result.plan.title);
      for (const step of result.plan.steps) expect(summary).toContain(`${step.id}: `);
    });
  }

  for (const file of invalid) {
    it(`invalid/${file} fails with the expected errors`, () => {
      const { plan, errors } = load(path.join(invalidDir, file)) as {
        plan: unknown;
        errors: string[];
      };
      const result = validatePlan(plan, { catalog: actionRegistry });
      expect(result.ok ? [] : formatIssues(result.errors)).toEqual(errors);
    });
  }
});

describe("plan summary", () => {
  it("reads the morning incident digest as a sentence", () => {
    const result = validatePlan(load(path.join(dir, "morning-incident-digest.json")), {
      catalog: actionRegistry,
    });
    if (!result.ok) throw new Error("fixture should be valid");
    expect(summarizePlan(result.plan, { catalog: actionRegistry }).split("\n").slice(0, 2)).toEqual(
      [
        "Morning incident digest",
        "Every weekday at 07:30 (Europe/Berlin): call GET status.example.com/api/incidents, then write text with AI and email {{ user.email }} (only if $count(steps.fetch.output.body[severity = 'sev-1']) > 0), then post in this chat.",
      ],
    );
  });

  it("lists the next fire times of the meeting prep across the DST change", () => {
    const result = validatePlan(load(path.join(dir, "meeting-prep.json")), {
      catalog: actionRegistry,
    });
    if (!result.ok) throw new Error("fixture should be valid");
    const times = nextFireTimes(result.plan.trigger, 3, new Date("2026-03-26T12:00:00Z"));
    expect(times.map((d) => d.toISOString())).toEqual([
      "2026-03-27T06:30:00.000Z", // Friday, CET
      "2026-03-30T05:30:00.000Z", // Monday, CEST
      "2026-03-31T05:30:00.000Z",
    ]);
  });
});
