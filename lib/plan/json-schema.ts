// The plan's JSON Schema for the model: generated from the zod schema, never hand-written.
import { z } from "zod";
import { PlanSchema } from "./schema";

/**
 * JSON Schema (draft 2020-12) of a plan. Step `input` stays a free object: the catalog
 * prompt describes each action's input, and validatePlan checks it, which keeps this
 * schema small enough for small models (and usable with strict tool mode switched off).
 */
export function planJsonSchema(): Record<string, unknown> {
  // `limits` likewise: the language guide lists its fields and bounds, validatePlan checks them.
  const ForModel = PlanSchema.extend({
    limits: z.record(z.string(), z.unknown()).optional(),
  });
  return z.toJSONSchema(ForModel, {
    io: "input",
    unrepresentable: "any",
    reused: "ref",
  }) as Record<string, unknown>;
}
