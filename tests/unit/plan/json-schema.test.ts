import { describe, expect, it } from "vitest";
import { planJsonSchema } from "@/lib/plan/json-schema";
import { planLanguageGuide } from "@/lib/plan/language-guide";

describe("plan JSON Schema for the model", () => {
  it("is generated from the zod schema and stays compact", () => {
    const schema = planJsonSchema();
    const text = JSON.stringify(schema);
    expect(schema).toMatchObject({
      type: "object",
      required: ["version", "title", "trigger", "steps"],
    });
    expect(text).toContain('"forEach"');
    expect(text).toContain('"onFailure"');
    expect(text.length).toBeLessThan(6000);
  });

  it("comes with a language guide naming every date helper", () => {
    const guide = planLanguageGuide();
    for (const helper of ["$localDate", "$atLocalTime", "$addDuration", "$withinNext"]) {
      expect(guide).toContain(helper);
    }
  });
});
