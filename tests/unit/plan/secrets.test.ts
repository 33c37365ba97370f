import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { type Plan, PlanSchema } from "@/lib/plan/schema";
import { findSecretReferences, missingSecretMessage, secretReferences } from "@/lib/plan/secrets";
import { formatIssues, validatePlan } from "@/lib/plan/validate";
import { basePlan, type PlanJson } from "./helpers";

function parsed(plan: PlanJson): Plan {
  return PlanSchema.parse(plan);
}

function withSteps(steps: Record<string, unknown>[], extra: Record<string, unknown> = {}): Plan {
  return parsed({ ...basePlan(), steps, ...extra });
}

describe("secret references", () => {
  it("are none in a plan that names no secret", () => {
    expect(secretReferences(parsed(basePlan()))).toEqual([]);
  });

  it("names each secret once, in plan order, wherever an input names it", () => {
    const plan = withSteps([
      {
        id: "call",
        action: "http.request",
        input: {
          url: "https://api.example.com/items?key={{ secrets.API_KEY }}",
          headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" },
          body: { nested: ["{{ secrets.API_KEY }}", "{{ $uppercase(secrets.OTHER) }}"] },
        },
      },
      {
        id: "tell",
        action: "slack.post",
        after: ["call"],
        input: { webhook: "{{ secrets.SLACK_WEBHOOK }}", text: "done" },
      },
    ]);
    expect(secretReferences(plan)).toEqual(["API_KEY", "API_TOKEN", "OTHER", "SLACK_WEBHOOK"]);
  });

  it("gives the path of every place a secret is named", () => {
    const plan = withSteps([
      {
        id: "call",
        action: "http.request",
        input: {
          url: "https://api.example.com/?a={{ secrets.TOKEN }}&b={{ secrets.TOKEN }}",
          headers: { Authorization: "Bearer {{ secrets.TOKEN }}" },
        },
      },
    ]);
    expect(findSecretReferences(plan)).toEqual([
      { name: "TOKEN", path: "steps[0].input.url" },
      { name: "TOKEN", path: "steps[0].input.headers.Authorization" },
    ]);
  });

  it("include conditions, loops and onFailure steps", () => {
    const plan = withSteps(
      [
        {
          id: "each",
          action: "transform",
          forEach: "secrets.LIST",
          maxItems: 5,
          if: "secrets.FLAG = 'on'",
          input: { value: "{{ item }}" },
        },
      ],
      {
        onFailure: [
          {
            id: "alert",
            action: "slack.post",
            input: { webhook: "{{ secrets.ALERTS }}", text: "x" },
          },
        ],
      },
    );
    expect(findSecretReferences(plan)).toEqual([
      { name: "FLAG", path: "steps[0].if" },
      { name: "LIST", path: "steps[0].forEach" },
      { name: "ALERTS", path: "onFailure[0].input.webhook" },
    ]);
  });

  it("leave out expressions that do not parse and unclosed templates", () => {
    const plan = withSteps([
      {
        id: "call",
        action: "http.request",
        input: {
          url: "https://x.example/{{ secrets.A +  }}",
          headers: { X: "{{ secrets.B" },
          query: { q: "{{ secrets.C }}" },
        },
      },
    ]);
    expect(secretReferences(plan)).toEqual(["C"]);
  });

  it("are the names validation reports as missing, with the same words", () => {
    const plan = withSteps([
      {
        id: "call",
        action: "http.request",
        input: {
          url: "https://api.example.com/",
          headers: { Authorization: "Bearer {{ secrets.TOKN }}" },
        },
      },
    ]);
    const stored = ["TOKEN"];
    const result = validatePlan(plan, { catalog: actionRegistry, secrets: stored });
    const missing = findSecretReferences(plan).filter((ref) => !stored.includes(ref.name));
    expect(missing.map((ref) => `${ref.path}: ${missingSecretMessage(ref.name, stored)}`)).toEqual(
      result.ok ? [] : formatIssues(result.errors),
    );
    expect(missingSecretMessage("TOKN", stored)).toBe(
      'secrets.TOKN: no secret named "TOKN" (did you mean "TOKEN"?); stored secrets: TOKEN',
    );
    expect(missingSecretMessage("TOKEN", [])).toBe(
      'secrets.TOKEN: no secrets are stored yet; add a secret named "TOKEN" first',
    );
  });
});
