// The real `@ai-sdk/openai` provider, built by lib/ai/providers.ts, against the local
// OpenAI-compatible server: both wire APIs, streaming, tools, usage and failures.
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, generateText, isStepCount, streamText, type TextStreamPart, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createLanguageModel,
  getLanguageModel,
  type LanguageModel,
  type ModelApi,
} from "@/lib/ai/providers";
import { parseEnv } from "@/lib/env";
import { suiteResource } from "@/tests/helpers/suite-resource";
import {
  httpError,
  type OpenAIServer,
  startOpenAIServer,
  streamError,
  text,
  toolCall,
  toolCalls,
} from "../../fixtures/openai-server";

const server = suiteResource(startOpenAIServer, {
  beforeEach: (s) => s.reset(),
  close: (s) => s.close(),
});

const weatherTool = (calls: Array<{ city: string }>) =>
  tool({
    description: "Current weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return { city, temperature: 21 };
    },
  });

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const variants: Array<{ name: string; api: ModelApi; build: () => LanguageModel }> = [
  {
    name: "chat completions",
    api: "chat",
    build: () => createLanguageModel({ baseURL: server.baseURL, api: "chat", model: "test-model" }),
  },
  {
    name: "Responses API",
    api: "responses",
    build: () =>
      createLanguageModel({ baseURL: server.baseURL, api: "responses", model: "test-model" }),
  },
];

describe.each(variants)("the OpenAI provider over $name", ({ api, build }) => {
  const expectedApi = api === "chat" ? "chat.completions" : "responses";

  it("streams text in several chunks", async () => {
    server.script(text("Here is a streamed answer in words"));
    const result = streamText({ model: build(), prompt: "Say something" });

    const chunks = await collect(result.textStream);

    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.join("")).toBe("Here is a streamed answer in words");
    expect(await result.finishReason).toBe("stop");
    const [request] = server.requests;
    expect(request).toMatchObject({ api: expectedApi, stream: true, model: "test-model" });
    expect(request.lastUserText).toBe("Say something");
  });

  it("answers a non-streaming call", async () => {
    server.script(text("Plain answer"));
    const result = await generateText({ model: build(), prompt: "Hi" });

    expect(result.text).toBe("Plain answer");
    expect(server.requests[0].stream).toBe(false);
  });

  it("sends the instructions and the conversation", async () => {
    const result = await generateText({
      model: build(),
      instructions: "You are terse.",
      messages: [
        { role: "user", content: "first question" },
        { role: "assistant", content: "first answer" },
        { role: "user", content: "second question" },
      ],
    });

    expect(result.text).toBe('You said: "second question"');
    expect(server.requests[0].messages).toEqual([
      { role: "system", text: "You are terse." },
      { role: "user", text: "first question" },
      { role: "assistant", text: "first answer", toolCalls: [] },
      { role: "user", text: "second question" },
    ]);
  });

  it("reports the usage numbers the server sends", async () => {
    server.script(text("Counted", { usage: { inputTokens: 42, outputTokens: 7 } }));
    const result = streamText({ model: build(), prompt: "Count me" });
    await result.consumeStream();

    const usage = await result.usage;
    expect(usage.inputTokens).toBe(42);
    expect(usage.outputTokens).toBe(7);
    expect(usage.totalTokens).toBe(49);
    expect((await result.totalUsage).totalTokens).toBe(49);
  });

  it("runs a scripted tool call through execute and continues with its result", async () => {
    const calls: Array<{ city: string }> = [];
    server.script(toolCall("getWeather", { city: "Berlin" }), (request) => {
      const last = request.messages.at(-1);
      return text(last?.role === "tool" ? `Weather: ${last.text}` : "no tool result");
    });

    const result = streamText({
      model: build(),
      prompt: "Weather in Berlin?",
      tools: { getWeather: weatherTool(calls) },
      stopWhen: isStepCount(3),
    });
    const finalText = await result.text;

    expect(calls).toEqual([{ city: "Berlin" }]);
    expect(finalText).toBe('Weather: {"city":"Berlin","temperature":21}');
    const steps = await result.steps;
    expect(steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(server.requests[0].tools).toEqual(["getWeather"]);
    // The follow-up request carries the call and its output, paired by call id.
    const followUp = server.requests[1].messages;
    const assistant = followUp.find((m) => m.role === "assistant");
    const toolResult = followUp.find((m) => m.role === "tool");
    expect(assistant?.role === "assistant" && assistant.toolCalls[0].name).toBe("getWeather");
    expect(toolResult?.role === "tool" && toolResult.toolCallId).toBe(
      assistant?.role === "assistant" ? assistant.toolCalls[0].id : undefined,
    );
  });

  it("runs several tool calls from one step", async () => {
    const calls: Array<{ city: string }> = [];
    server.script(
      toolCalls([
        { name: "getWeather", arguments: { city: "Oslo" } },
        { name: "getWeather", arguments: { city: "Lima" } },
      ]),
      text("Both done"),
    );

    const result = await generateText({
      model: build(),
      prompt: "Weather in Oslo and Lima?",
      tools: { getWeather: weatherTool(calls) },
      stopWhen: isStepCount(2),
    });

    expect(calls.map((c) => c.city).sort()).toEqual(["Lima", "Oslo"]);
    expect(result.steps[0].toolResults).toHaveLength(2);
    expect(result.text).toBe("Both done");
    expect(server.requests[1].messages.filter((m) => m.role === "tool")).toHaveLength(2);
  });

  it("turns malformed tool-call JSON into a tool error instead of crashing", async () => {
    const calls: Array<{ city: string }> = [];
    server.script(toolCall("getWeather", '{"city": "Ber'), text("Let me try again later."));

    const result = streamText({
      model: build(),
      prompt: "Weather?",
      tools: { getWeather: weatherTool(calls) },
      stopWhen: isStepCount(2),
    });
    const parts: TextStreamPart<{ getWeather: ReturnType<typeof weatherTool> }>[] = await collect(
      result.stream,
    );

    expect(calls).toEqual([]);
    const toolError = parts.find((p) => p.type === "tool-error");
    expect(toolError).toMatchObject({ type: "tool-error", toolName: "getWeather" });
    const invalidCall = parts.find((p) => p.type === "tool-call");
    expect(invalidCall).toMatchObject({ invalid: true });
    expect(await result.text).toBe("Let me try again later.");
    // The model was told about the failure so it can repair its call.
    expect(server.requests[1].messages.some((m) => m.role === "tool")).toBe(true);
  });

  it("surfaces an HTTP 500 as an API call error", async () => {
    server.script(httpError(500, "The engine is on fire."));
    const errors: unknown[] = [];
    const result = streamText({
      model: build(),
      prompt: "Hello",
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    await result.consumeStream();

    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 500, message: "The engine is on fire." });
  });

  it("rejects a non-streaming call that gets a 500", async () => {
    server.script(httpError(500));
    await expect(generateText({ model: build(), prompt: "Hello", maxRetries: 0 })).rejects.toThrow(
      "The server had an error while processing your request.",
    );
  });

  it("retries a 500 and succeeds when the next attempt works", async () => {
    server.script(httpError(500), text("Second time lucky"));
    const result = await generateText({ model: build(), prompt: "Hello" });

    expect(result.text).toBe("Second time lucky");
    expect(server.requests).toHaveLength(2);
  });

  it("reports an error event in the middle of a stream", async () => {
    server.script(streamError("Model overloaded", { text: "Partial answer" }));
    // onError silences the SDK's default logging of stream errors; the part is asserted below.
    const parts = await collect(
      streamText({ model: build(), prompt: "Hi", onError: () => {} }).stream,
    );

    const text = parts
      .filter((p) => p.type === "text-delta")
      .map((p) => (p.type === "text-delta" ? p.text : ""))
      .join("");
    expect(text).toBe("Partial answer");
    const error = parts.find((p) => p.type === "error");
    expect(error?.type === "error" && String((error.error as Error).message)).toContain(
      "Model overloaded",
    );
  });

  it("stops mid-stream when the caller aborts, and keeps serving", async () => {
    server.script(text("one two three four five six seven eight nine ten", { delayMs: 40 }));
    const controller = new AbortController();
    const result = streamText({ model: build(), prompt: "Count", abortSignal: controller.signal });

    const received: string[] = [];
    for await (const chunk of result.textStream) {
      received.push(chunk);
      if (received.length === 2) controller.abort();
    }

    expect(received.join("")).toBe("one two ");
    const next = await generateText({ model: build(), prompt: "still there?" });
    expect(next.text).toBe('You said: "still there?"');
  });
});

describe("the Responses API with store on, as OpenAI's default provider speaks it", () => {
  it("resolves item references to earlier answers in the next turn", async () => {
    const openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
    const first = await generateText({ model: openai("test-model"), prompt: "My name is Ada" });

    await generateText({
      model: openai("test-model"),
      messages: [
        { role: "user", content: "My name is Ada" },
        ...first.response.messages,
        { role: "user", content: "What is my name?" },
      ],
    });

    const input = server.requests[1].body.input as Array<{ type?: string }>;
    expect(input.some((item) => item.type === "item_reference")).toBe(true);
    expect(server.requests[1].messages).toEqual([
      { role: "user", text: "My name is Ada" },
      { role: "assistant", text: 'You said: "My name is Ada"', toolCalls: [] },
      { role: "user", text: "What is my name?" },
    ]);
  });
});

describe("the model the app gets from its environment", () => {
  it("reaches a compatible server named by OPENAI_BASE_URL, over chat completions", async () => {
    const model = getLanguageModel(parseEnv({ OPENAI_BASE_URL: server.baseURL }));
    const result = await generateText({ model, prompt: "From env" });

    expect(result.text).toBe('You said: "From env"');
    expect(server.requests[0].api).toBe("chat.completions");
  });

  it("sends whole earlier turns, not item references, when OPENAI_API=responses", async () => {
    const model = getLanguageModel(
      parseEnv({ OPENAI_BASE_URL: server.baseURL, OPENAI_API: "responses" }),
    );
    const first = await generateText({ model, prompt: "Turn one" });
    await generateText({
      model,
      messages: [
        { role: "user", content: "Turn one" },
        ...first.response.messages,
        { role: "user", content: "Turn two" },
      ],
    });

    const input = server.requests[1].body.input as Array<{ type?: string }>;
    expect(server.requests[1].api).toBe("responses");
    expect(input.some((item) => item.type === "item_reference")).toBe(false);
    expect(server.requests[1].messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  });
});

describe("authentication against the server", () => {
  let guarded: OpenAIServer;
  beforeAll(async () => {
    guarded = await startOpenAIServer({ apiKey: "sk-right" });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it("surfaces a 401 for a wrong key without retrying", async () => {
    const model = createLanguageModel({
      baseURL: guarded.baseURL,
      api: "chat",
      model: "test-model",
      apiKey: "sk-wrong",
    });
    const failure = await generateText({ model, prompt: "Hi" }).catch((error: unknown) => error);

    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((failure as Error).message).toBe("Incorrect API key provided.");
    expect(guarded.requests).toHaveLength(0);
  });

  it("accepts the right key", async () => {
    const model = createLanguageModel({
      baseURL: guarded.baseURL,
      api: "responses",
      model: "test-model",
      apiKey: "sk-right",
    });
    const result = await generateText({ model, prompt: "Hi" });
    expect(result.text).toBe('You said: "Hi"');
  });
});
