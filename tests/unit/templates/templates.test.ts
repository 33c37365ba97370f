// The templates gallery: every template is a valid plan as written and once filled in, its
// inputs point at real places of its plan, and filling in checks each value for its kind.
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { secretReferences } from "@/lib/plan/secrets";
import { formatIssues, validatePlan } from "@/lib/plan/validate";
import {
  checkValue,
  exampleOf,
  fillTemplate,
  getTemplate,
  parseTimeOfDay,
  searchTemplates,
  TEMPLATE_CATEGORIES,
  TEMPLATES,
  templateCategories,
  templateSummaries,
  type WorkflowTemplate,
} from "@/lib/templates";
import { valueAt } from "@/lib/templates/fill";

const validate = (plan: unknown, template: WorkflowTemplate) =>
  validatePlan(plan, {
    catalog: actionRegistry,
    secrets: template.inputs.flatMap((i) => (i.secret ? [i.secret] : [])),
  });

/** A value of each kind that fits, as a person would type it. */
const sampleValue: Record<string, string> = {
  url: "https://api.acme.test/v1/data",
  email: "ops@acme.test",
  uuid: "5b0c6a8e-2f0e-4d7a-9a51-3c1f0e9b7d21",
  time: "6:45 pm",
  text: "Hindi",
  name: "acme_tasks",
  repo: "acme/widgets",
  number: "120",
};

describe("the templates", () => {
  it("are at least 15, with unique ids, a one-line description and a known category", () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const template of TEMPLATES) {
      expect(template.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(template.description).not.toMatch(/\n/);
      expect(template.description.length).toBeLessThanOrEqual(110);
      expect(TEMPLATE_CATEGORIES).toContain(template.category);
    }
    // Every category has a template.
    expect(templateCategories()).toEqual([...TEMPLATE_CATEGORIES]);
  });

  it("cover the patterns people automate first", () => {
    const actions = TEMPLATES.flatMap((t) => [...t.plan.steps, ...(t.plan.onFailure ?? [])]).map(
      (s) => s.action,
    );
    for (const action of [
      "http.request",
      "ai.generate",
      "chat.post",
      "email.send",
      "slack.post",
      "mcp.call",
      "store.get",
      "store.set",
      "wait.approval",
      "wait.event",
    ]) {
      expect(actions).toContain(action);
    }
    const triggers = new Set(TEMPLATES.map((t) => t.plan.trigger.type));
    expect([...triggers].sort()).toEqual(["event", "manual", "schedule", "webhook"]);
    expect(TEMPLATES.some((t) => (t.plan.onFailure ?? []).length > 0)).toBe(true);
  });

  for (const template of TEMPLATES) {
    describe(template.id, () => {
      it("validates as written, without errors or warnings", () => {
        const result = validate(template.plan, template);
        expect(result.ok ? [] : formatIssues(result.errors)).toEqual([]);
        expect(formatIssues(result.warnings)).toEqual([]);
      });

      it("declares inputs that point at its plan, and every secret it reads", () => {
        for (const input of template.inputs) {
          expect(input.key).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
          if (input.kind === "secret") {
            expect(input.at).toEqual([]);
            expect(input.secret).toMatch(/^[A-Z][A-Z0-9_]*$/);
            continue;
          }
          expect(input.at.length).toBeGreaterThan(0);
          for (const path of input.at) {
            const value = valueAt(template.plan, path);
            expect(value, `${input.key} at ${path}`).toBeTypeOf("string");
            if (input.replace) expect(value).toContain(input.replace);
          }
          expect(exampleOf(template, input)).toBeTruthy();
          if (input.sample) {
            expect(input.kind).toBe("url");
            expect(input.sample).toMatch(/^\/demo\//);
          }
        }
        const declared = template.inputs.flatMap((i) => (i.secret ? [i.secret] : []));
        expect([...secretReferences(template.plan)].sort()).toEqual(declared.sort());
      });

      it("validates once every input is filled in, and nothing is missing then", () => {
        const values = Object.fromEntries(
          template.inputs
            .filter((i) => i.kind !== "secret")
            .map((i) => [i.key, sampleValue[i.kind]]),
        );
        const filled = fillTemplate(template, values, { timezone: "Asia/Kolkata" });
        expect(filled.issues).toEqual([]);
        expect(filled.missing).toEqual([]);
        expect(filled.filled.sort()).toEqual(Object.keys(values).sort());
        const result = validate(filled.plan, template);
        expect(result.ok ? [] : formatIssues(result.errors)).toEqual([]);
        // Each value is where the template said.
        for (const input of template.inputs) {
          if (input.kind === "secret") continue;
          for (const path of input.at) {
            const text = String(valueAt(filled.plan, path));
            if (input.kind === "time" && path.endsWith("cron")) {
              expect(text.split(" ").slice(0, 2)).toEqual(["45", "18"]);
            } else if (input.kind === "time") {
              expect(text).toBe("18:45");
            } else {
              expect(text).toContain(sampleValue[input.kind]);
            }
          }
        }
        if (template.plan.trigger.type === "schedule") {
          expect(filled.plan.trigger).toMatchObject({ timezone: "Asia/Kolkata" });
        }
        // A summary that said the time says the new one.
        if (template.inputs.some((i) => i.kind === "time" && i.at[0] === "trigger.cron")) {
          const [minute, hour] = (template.plan.trigger as { cron: string }).cron.split(" ");
          if (template.plan.summary?.includes(`${Number(hour)}:${minute.padStart(2, "0")}`)) {
            expect(filled.plan.summary).toContain("18:45");
          }
        }
        // The template itself is untouched.
        expect(validate(template.plan, template).ok).toBe(true);
        expect(JSON.stringify(template.plan)).not.toContain("acme");
      });
    });
  }
});

describe("filling in", () => {
  const digest = getTemplate("incident-digest") as WorkflowTemplate;

  it("lists what is missing, refuses values that do not fit, and ignores an unknown zone", () => {
    const result = fillTemplate(
      digest,
      { incidentsUrl: "ftp://files.acme.test/x", time: "25:00", colour: "red" },
      { timezone: "Mars/Olympus" },
    );
    expect(result.missing.map((i) => i.key)).toEqual(["incidentsUrl"]);
    expect(result.issues).toEqual([
      { key: "colour", message: 'is not an input of the template "incident-digest"' },
      { key: "incidentsUrl", message: "Incidents API URL must be an http(s) URL" },
      { key: "time", message: 'Time of day must be a time of day like "7:30" or "8am"' },
    ]);
    expect(result.plan.trigger).toEqual(digest.plan.trigger);
  });

  it("never lets a value become an expression", () => {
    expect(checkValue("text", "{{ secrets.GITHUB_TOKEN }}")).toEqual({
      ok: false,
      message: "must not contain {{ or }}",
    });
    expect(checkValue("uuid", 'x" or true or "')).toMatchObject({ ok: false });
    const chained = getTemplate("chained-workflow") as WorkflowTemplate;
    const result = fillTemplate(chained, { workflowId: '" or true or "' });
    expect(result.missing.map((i) => i.key)).toEqual(["workflowId"]);
    expect(result.plan).toEqual(chained.plan);
  });

  it("reads times as people write them", () => {
    expect(parseTimeOfDay("8")).toEqual({ hour: 8, minute: 0 });
    expect(parseTimeOfDay("8:05")).toEqual({ hour: 8, minute: 5 });
    expect(parseTimeOfDay("07.30")).toEqual({ hour: 7, minute: 30 });
    expect(parseTimeOfDay("8am")).toEqual({ hour: 8, minute: 0 });
    expect(parseTimeOfDay("12 am")).toEqual({ hour: 0, minute: 0 });
    expect(parseTimeOfDay("12:15 p.m.")).toEqual({ hour: 12, minute: 15 });
    expect(parseTimeOfDay("5:30pm")).toEqual({ hour: 17, minute: 30 });
    expect(parseTimeOfDay("13pm")).toBeUndefined();
    expect(parseTimeOfDay("8:60")).toBeUndefined();
  });
});

describe("searching the gallery", () => {
  const all = templateSummaries();

  it("finds by words in any order, within a category", () => {
    expect(searchTemplates(all).length).toBe(TEMPLATES.length);
    expect(searchTemplates(all, "slack translate").map((t) => t.id)).toEqual([
      "translate-to-slack",
    ]);
    expect(searchTemplates(all, "RSS").map((t) => t.id)).toEqual(["rss-digest"]);
    const webhooks = searchTemplates(all, "", "Webhooks");
    expect(webhooks.map((t) => t.id)).toEqual([
      "lead-router",
      "translate-to-slack",
      "form-to-chat",
    ]);
    expect(searchTemplates(all, "incident", "Webhooks")).toEqual([]);
    expect(searchTemplates(all, "no such thing at all")).toEqual([]);
  });

  it("summaries carry no plan", () => {
    for (const summary of all) expect(summary).not.toHaveProperty("plan");
  });
});
