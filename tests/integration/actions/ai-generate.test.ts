// ai.generate with the real @ai-sdk/openai provider against the local OpenAI-compatible server.
import { describe, expect, it } from "vitest";
import { aiGenerate } from "@/lib/actions/ai-generate";
import { createLanguageModel, type ModelApi } from "@/lib/ai/providers";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { httpError, startOpenAIServer, text } from "../../fixtures/openai-server";
import { actionError, testContext } from "./helpers";

const server = suiteResource(startOpenAIServer, {
  beforeEach: (s) => s.reset(),
  close: (s) => s.close(),
});

const contextFor = (api: ModelApi = "chat", secrets: Record<string, string> = {}) =>
  testContext({
    secrets,
    services: {
      languageModel: () =>
        createLanguageModel({ baseURL: server.baseURL, api, model: "test-model" }),
    },
  });

type Output = {
  text: string;
  object?: unknown;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
};
const generate = (input: Record<string, unknown>, context = contextFor()) =>
  aiGenerate.run!(input as never, context) as Promise<Output>;

const incidentSchema = {
  type: "object",
  properties: { count: { type: "integer" }, names: { type: "array", items: { type: "string" } } },
  required: ["count", "names"],
  additionalProperties: false,
};

describe("ai.generate", () => {
  it.each(["chat", "responses"] as const)(
    "writes text and records token usage (%s API)",
    async (api) => {
      server.script(
        text("Two incidents are open.", { usage: { inputTokens: 12, outputTokens: 5 } }),
      );
      const result = await generate(
        { prompt: "Summarize: []", system: "Be brief.", maxTokens: 200 },
        contextFor(api),
      );
      expect(result.text).toBe("Two incidents are open.");
      expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 5, totalTokens: 17 });
      const [request] = server.requests;
      expect(request.messages).toEqual([
        { role: "system", text: "Be brief." },
        { role: "user", text: "Summarize: []" },
      ]);
    },
  );

  it("returns a JSON object validated against the plan's schema", async () => {
    server.script(text('{"count":2,"names":["db","cdn"]}'));
    const result = await generate({ prompt: "Extract", schema: incidentSchema });
    expect(result.object).toEqual({ count: 2, names: ["db", "cdn"] });
    const format = server.requests[0].body.response_format as {
      type: string;
      json_schema: { schema: unknown; strict?: boolean };
    };
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.schema).toMatchObject({ properties: incidentSchema.properties });
  });

  it("fails, retriably, when the answer does not match the schema", async () => {
    server.script(text('{"count":"two","names":[]}'));
    const error = await actionError(generate({ prompt: "Extract", schema: incidentSchema }));
    expect(error.message).toMatch(/^The model's answer did not match the schema/);
    expect(error.code).toBe("invalid_output");
    expect(error.retriable).toBe(true);
  });

  it("refuses a schema that is not JSON Schema", async () => {
    const error = await actionError(
      generate({ prompt: "x", schema: { type: "object", properties: { a: { type: 42 } } } }),
    );
    expect(error.message).toMatch(/^ai\.generate: schema is not a usable JSON Schema/);
    expect(error.retriable).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it("never sends a secret value to the model", async () => {
    server.script(text("ok"));
    await generate(
      { prompt: "Use key sk-live-0123456789 to…", system: "Token sk-live-0123456789" },
      contextFor("chat", { OPENAI_SECRET: "sk-live-0123456789" }),
    );
    const sent = JSON.stringify(server.requests[0].body);
    expect(sent).not.toContain("sk-live-0123456789");
    expect(sent).toContain("[secret:OPENAI_SECRET]");
  });

  it("retries a 500 from the model API but not a 400", async () => {
    server.script(httpError(500, "The server had an error"));
    const failed = await actionError(generate({ prompt: "x" }));
    expect(failed.message).toBe("The model API answered HTTP 500: The server had an error");
    expect(failed.retriable).toBe(true);
    server.script(httpError(400, "Invalid request"));
    const bad = await actionError(generate({ prompt: "x" }));
    expect(bad.status).toBe(400);
    expect(bad.retriable).toBe(false);
  });

  it("says when no model is configured", async () => {
    const error = await actionError(generate({ prompt: "x" }, testContext()));
    expect(error.message).toBe(
      "ai.generate is not available here: the run has no languageModel service",
    );
    expect(error.retriable).toBe(false);
  });
});
