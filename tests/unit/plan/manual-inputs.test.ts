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
