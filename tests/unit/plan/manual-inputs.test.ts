import { describe, expect, it } from "vitest";
import { validateManualInputs } from "@/lib/plan/manual-inputs";
import { TriggerSchema } from "@/lib/plan/schema";

const trigger = TriggerSchema.parse({
  type: "manual",
  inputs: {
    city: { type: "string" },
    days: { type: "integer", default: 3 },
    units: { type: "string", enum: ["metric", "imperial"], default: "metric" },
    note: { type: "string", required: false },
  },
});

describe("manual trigger inputs", () => {
  it("fills in defaults", () => {
    expect(validateManualInputs(trigger, { city: "Berlin" })).toEqual({
      ok: true,
      inputs: { city: "Berlin", days: 3, units: "metric" },
    });
  });

  it("reports missing, mistyped, out-of-enum and unknown inputs", () => {
    expect(validateManualInputs(trigger, { days: 2.5, units: "kelvin", extra: 1 })).toEqual({
      ok: false,
      errors: [
        { path: "city", message: "is required (string)" },
        { path: "days", message: "expected integer, got the number 2.5" },
        { path: "units", message: 'must be one of "metric", "imperial", got "kelvin"' },
        { path: "extra", message: "unknown input; declared: city, days, units, note" },
      ],
    });
  });

  it("accepts nothing for a trigger without inputs", () => {
    expect(validateManualInputs(TriggerSchema.parse({ type: "webhook" }), {})).toEqual({
      ok: true,
      inputs: {},
    });
    expect(validateManualInputs(TriggerSchema.parse({ type: "manual" }), { x: 1 })).toEqual({
      ok: false,
      errors: [{ path: "x", message: "this workflow takes no inputs" }],
    });
  });
});

describe("array inputs with item types", () => {
  const listTrigger = TriggerSchema.parse({
    type: "manual",
    inputs: {
      repos: { type: "array", items: { type: "string" } },
      sizes: { type: "array", items: { type: "integer", enum: [1, 2, 3] }, default: [1] },
      anything: { type: "array", required: false },
    },
  });

  it("accepts lists whose items are of the declared type", () => {
    expect(
      validateManualInputs(listTrigger, { repos: ["a/b", "c/d"], anything: [1, "x"] }),
    ).toEqual({ ok: true, inputs: { repos: ["a/b", "c/d"], sizes: [1], anything: [1, "x"] } });
  });

  it("names the first item of the wrong type or outside the enum", () => {
    expect(validateManualInputs(listTrigger, { repos: ["a/b", 7], sizes: [1, 5] })).toEqual({
      ok: false,
      errors: [
        { path: "repos[1]", message: "expected string, got the number 7" },
        { path: "sizes[1]", message: "must be one of 1, 2, 3, got the number 5" },
      ],
    });
  });
});
