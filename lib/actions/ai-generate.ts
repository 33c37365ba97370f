import { z } from "zod";
import { defineAction } from "./define-action";
import { jsonObject } from "./shared-schemas";

export const aiGenerate = defineAction({
  id: "ai.generate",
  title: "Generate with AI",
  description:
    "Ask the language model to write text, or a JSON object when schema (a JSON Schema) is given.",
  kind: "task",
  sideEffects: false,
  input: z.strictObject({
    prompt: z.string().min(1),
    system: z.string().optional(),
    schema: jsonObject.optional().describe("JSON Schema; output.object follows it"),
    maxTokens: z.number().int().min(1).max(32_000).optional(),
  }),
  output: z.object({ text: z.string(), object: z.unknown().optional() }),
  describe: (input) => (input.schema ? "extract structured data with AI" : "write text with AI"),
  example: { prompt: "Summarize these incidents in 5 bullets: {{ steps.fetch.output.body }}" },
});
