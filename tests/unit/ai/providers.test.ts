// Which model the app uses for each combination of model settings in the environment.
import { generateText } from "ai";
import { describe, expect, it } from "vitest";
import {
  createLanguageModel,
  DEFAULT_OPENAI_MODEL,
  getLanguageModel,
  getModelConfig,
  type LanguageModel,
  ModelNotConfiguredError,
  modelSettingsFromEnv,
} from "@/lib/ai/providers";
import { parseEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";

describe("model configuration from the environment", () => {
  it("is not configured when no key and no base URL are set", () => {
    expect(getModelConfig(parseEnv({}))).toEqual({ configured: false });
  });

  it("treats blank values as unset", () => {
    const config = getModelConfig(parseEnv({ OPENAI_API_KEY: " ", OPENAI_BASE_URL: "" }));
    expect(config.configured).toBe(false);
  });

  it("uses OpenAI's Responses API with the default model when only a key is set", () => {
    expect(getModelConfig(parseEnv({ OPENAI_API_KEY: "sk-test" }))).toEqual({
      configured: true,
      provider: "openai",
      model: DEFAULT_OPENAI_MODEL,
      api: "responses",
      baseURL: "https://api.openai.com/v1",
    });
  });

  it("uses OPENAI_MODEL when set", () => {
    const config = getModelConfig(parseEnv({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-5.4" }));
    expect(config.model).toBe("gpt-5.4");
  });

  it("lets OPENAI_API=chat send OpenAI traffic to chat completions", () => {
    const config = getModelConfig(parseEnv({ OPENAI_API_KEY: "sk-test", OPENAI_API: "chat" }));
    expect(config).toMatchObject({ provider: "openai", api: "chat" });
  });

  it("uses chat completions on a compatible server named by OPENAI_BASE_URL, with no key", () => {
    const config = getModelConfig(
      parseEnv({ OPENAI_BASE_URL: "http://localhost:11434/v1/", OPENAI_MODEL: "llama3.2" }),
    );
    expect(config).toEqual({
      configured: true,
      provider: "openai-compatible",
      model: "llama3.2",
      api: "chat",
      baseURL: "http://localhost:11434/v1",
    });
  });

  it("lets OPENAI_API=responses select the Responses API on a compatible server", () => {
    const config = getModelConfig(
      parseEnv({ OPENAI_BASE_URL: "http://127.0.0.1:4010/v1", OPENAI_API: "responses" }),
    );
    expect(config).toMatchObject({ provider: "openai-compatible", api: "responses" });
  });

  it("keeps a key alongside a base URL, and never reports the key", () => {
    const source = parseEnv({
      OPENAI_API_KEY: "sk-secret",
      OPENAI_BASE_URL: "https://llm.example/v1",
    });
    expect(modelSettingsFromEnv(source)).toMatchObject({ apiKey: "sk-secret", api: "chat" });
    expect(JSON.stringify(getModelConfig(source))).not.toContain("sk-secret");
  });
});

describe("getLanguageModel", () => {
  it("throws ModelNotConfiguredError with setup steps when nothing is configured", () => {
    let thrown: unknown;
    try {
      getLanguageModel(parseEnv({}));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ModelNotConfiguredError);
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as ModelNotConfiguredError;
    expect(error.code).toBe("unavailable:model");
    expect(error.status).toBe(503);
    for (const hint of [
      "OPENAI_API_KEY",
      "OPENAI_MODEL",
      "OPENAI_BASE_URL",
      "npm run fake-model",
    ]) {
      expect(error.message).toContain(hint);
    }
  });

  it("answers a route with the setup steps, not a stack trace", async () => {
    const response = new ModelNotConfiguredError().toResponse();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error.code).toBe("unavailable:model");
    expect(body.error.message).toContain("npm run fake-model");
  });

  it("builds an OpenAI Responses model from a key", () => {
    const model = getLanguageModel(
      parseEnv({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-5.4" }),
    );
    expect(model.provider).toBe("openai.responses");
    expect(model.modelId).toBe("gpt-5.4");
  });

  it("builds a chat-completions model for a compatible server", () => {
    const model = getLanguageModel(parseEnv({ OPENAI_BASE_URL: "http://127.0.0.1:4010/v1" }));
    expect(model.provider).toBe("openai.chat");
    expect(model.modelId).toBe(DEFAULT_OPENAI_MODEL);
  });
});

/** Runs one call whose request the fake fetch records and then fails, so nothing leaves the machine. */
async function callOnce(model: LanguageModel) {
  await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(() => undefined);
}

function recordingFetch(record: (init: RequestInit | undefined) => void): typeof globalThis.fetch {
  return async (_input, init) => {
    record(init);
    return Response.json({ error: { message: "stop here", type: "test" } }, { status: 400 });
  };
}

describe("createLanguageModel", () => {
  it("sends a placeholder key to a server that needs none, and the given key otherwise", async () => {
    const seen: Array<string | null> = [];
    const fetch = recordingFetch((init) =>
      seen.push(new Headers(init?.headers).get("authorization")),
    );
    const baseURL = "http://127.0.0.1:1/v1";

    await callOnce(createLanguageModel({ baseURL, api: "chat", model: "m", fetch }));
    await callOnce(
      createLanguageModel({ baseURL, api: "chat", model: "m", fetch, apiKey: "sk-given" }),
    );
    expect(seen).toEqual(["Bearer not-needed", "Bearer sk-given"]);
  });

  it("turns off Responses `store` for compatible servers, which cannot resolve item references", async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const fetch = recordingFetch((init) => bodies.push(JSON.parse(String(init?.body))));

    await callOnce(
      createLanguageModel({
        baseURL: "http://127.0.0.1:1/v1",
        api: "responses",
        model: "m",
        fetch,
      }),
    );
    await callOnce(createLanguageModel({ api: "responses", model: "m", apiKey: "k", fetch }));
    expect(bodies.map((b) => b.store)).toEqual([false, undefined]);
  });
});
