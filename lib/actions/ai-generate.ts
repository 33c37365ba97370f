import { generateText, jsonSchema, Output } from "ai";
import { z } from "zod";
import { defineAction, withRun } from "./define-action";
import { deadlineSignal } from "./runtime/context";
import { ActionError, isRetriableStatus, NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { jsonObject } from "./shared-schemas";

const usage = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
});

export const aiGenerate = withRun(
  defineAction({
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
    output: z.object({
      text: z.string(),
      object: z.unknown().optional(),
      usage: usage.optional().describe("tokens used"),
    }),
    describe: (input) => (input.schema ? "extract structured data with AI" : "write text with AI"),
    example: { prompt: "Summarize these incidents in 5 bullets: {{ steps.fetch.output.body }}" },
  }),
  async (input, context) => {
    const model = requireService(context, "languageModel", "ai.generate")();
    const schema = input.schema ? checkedSchema(input.schema) : undefined;
    try {
      const result = await generateText({
        model,
        // Secret values never reach the model, even when a plan binds one into the prompt.
        instructions: input.system ? context.redactor.text(input.system) : undefined,
        prompt: context.redactor.text(input.prompt),
        maxOutputTokens: input.maxTokens,
        abortSignal: deadlineSignal(context, 120_000),
        // The interpreter owns retries (with the plan's policy); no hidden ones here.
        maxRetries: 0,
        ...(schema
          ? {
              output: Output.object({ schema }),
              // Plans carry ordinary JSON Schemas, not OpenAI's strict subset.
              providerOptions: { openai: { strictJsonSchema: false } },
            }
          : {}),
      });
      const tokens = {
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        totalTokens: result.usage.totalTokens,
      };
      context.logger.debug(`model used ${tokens.totalTokens ?? "?"} tokens`);
      return schema
        ? { text: result.text, object: result.output, usage: tokens }
        : { text: result.text, usage: tokens };
    } catch (error) {
      throw modelError(error);
    }
  },
);

/** The plan's JSON Schema, checked by zod's own converter so output is validated for real. */
function checkedSchema(schema: Record<string, unknown>) {
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new NonRetriableActionError(
      `ai.generate: schema is not a usable JSON Schema: ${(error as Error).message}`,
      { code: "invalid_input" },
    );
  }
  return jsonSchema<unknown>(schema as Parameters<typeof jsonSchema>[0], {
    validate(value) {
      const parsed = validator.safeParse(value);
      return parsed.success
        ? { success: true, value: parsed.data }
        : {
            success: false,
            error: new Error(
              parsed.error.issues
                .slice(0, 3)
                .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
                .join("; "),
            ),
          };
    },
  });
}

function modelError(error: unknown): unknown {
  if (error instanceof ActionError) return error;
  const e = error as {
    name?: string;
    message?: string;
    statusCode?: number;
    isRetryable?: boolean;
    text?: string;
  };
  if (e.name === "ModelNotConfiguredError") {
    return new NonRetriableActionError(`ai.generate: ${e.message}`, { code: "not_configured" });
  }
  if (e.name === "AI_APICallError") {
    const status = e.statusCode;
    return new ActionError(
      `The model API answered${status ? ` HTTP ${status}` : " with an error"}: ${(e.message ?? "").slice(0, 200)}`,
      {
        code: "upstream",
        status,
        retriable: e.isRetryable ?? (status === undefined || isRetriableStatus(status)),
      },
    );
  }
  if (e.name === "AI_NoObjectGeneratedError" || e.name === "AI_NoOutputGeneratedError") {
    // Models are not deterministic: another attempt may well produce valid JSON.
    const detail = (error as { cause?: { message?: string } }).cause?.message;
    return new ActionError(
      `The model's answer did not match the schema${detail ? `: ${detail.slice(0, 300)}` : ""}`,
      { code: "invalid_output", retriable: true },
    );
  }
  if (e.name === "TimeoutError" || e.name === "AbortError") {
    return new ActionError("ai.generate: the model did not answer in time", {
      code: "timeout",
      retriable: true,
    });
  }
  return error;
}
