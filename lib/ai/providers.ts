// The one place the app gets its language model from: OpenAI, or any OpenAI-compatible server.
import { createOpenAI } from "@ai-sdk/openai";
import { defaultSettingsMiddleware, wrapLanguageModel } from "ai";
import { type Env, env } from "@/lib/env";
import { ModelNotConfiguredError } from "./errors";

export { MODEL_SETUP_HELP, ModelNotConfiguredError } from "./errors";

/** A cheap, current OpenAI model; `OPENAI_MODEL` overrides it. */
export const DEFAULT_OPENAI_MODEL = "gpt-5.4-mini";
export const OPENAI_API_URL = "https://api.openai.com/v1";
/** Local servers ignore the key, but the provider insists on sending one. */
export const PLACEHOLDER_API_KEY = "not-needed";

/** `responses`: OpenAI's Responses API (`/responses`); `chat`: `/chat/completions`. */
export type ModelApi = "responses" | "chat";

/** Everything needed to build a model, independent of process.env. */
export interface ModelSettings {
  model: string;
  api: ModelApi;
  /** Defaults to OpenAI's own endpoint. */
  baseURL?: string;
  /** Defaults to a placeholder, for local servers that need none. */
  apiKey?: string;
  /** For tests that intercept requests. */
  fetch?: typeof globalThis.fetch;
}

/** What the UI and status checks may know: never the key. */
export type ModelConfig =
  | {
      configured: true;
      provider: "openai" | "openai-compatible";
      model: string;
      api: ModelApi;
      baseURL: string;
    }
  | {
      configured: false;
      provider?: undefined;
      model?: undefined;
      api?: undefined;
      baseURL?: undefined;
    };

export type LanguageModel = ReturnType<typeof wrapLanguageModel>;

/**
 * Reads the model settings from the environment, or `undefined` when none is configured.
 * A base URL means an OpenAI-compatible server: those (Ollama, vLLM, LM Studio, llama.cpp)
 * mostly implement only chat completions, so that is the default there, while OpenAI itself
 * gets the Responses API. `OPENAI_API` overrides either choice.
 */
export function modelSettingsFromEnv(source: Env = env()): ModelSettings | undefined {
  const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseURL, OPENAI_MODEL, OPENAI_API } = source;
  if (!apiKey && !baseURL) return undefined;
  return {
    model: OPENAI_MODEL ?? DEFAULT_OPENAI_MODEL,
    api: OPENAI_API ?? (baseURL ? "chat" : "responses"),
    baseURL,
    apiKey,
  };
}

export function getModelConfig(source: Env = env()): ModelConfig {
  const settings = modelSettingsFromEnv(source);
  if (!settings) return { configured: false };
  return {
    configured: true,
    provider: settings.baseURL ? "openai-compatible" : "openai",
    model: settings.model,
    api: settings.api,
    baseURL: withoutTrailingSlash(settings.baseURL ?? OPENAI_API_URL),
  };
}

/** The app's model. Throws `ModelNotConfiguredError` (503, with setup steps) when none is set. */
export function getLanguageModel(source: Env = env()): LanguageModel {
  const settings = modelSettingsFromEnv(source);
  if (!settings) throw new ModelNotConfiguredError();
  return createLanguageModel(settings);
}

/** Builds a model from explicit settings; tests point it at the local test server. */
export function createLanguageModel(settings: ModelSettings): LanguageModel {
  const provider = createOpenAI({
    // Explicit values, so the provider never falls back to reading process.env itself.
    baseURL: settings.baseURL ?? OPENAI_API_URL,
    apiKey: settings.apiKey || PLACEHOLDER_API_KEY,
    fetch: settings.fetch,
  });
  if (settings.api === "chat") {
    return provider.chat(settings.model);
  }
  const model = provider.responses(settings.model);
  if (settings.baseURL === undefined || isOpenAI(settings.baseURL)) return model;
  // With `store` on (OpenAI's default) the SDK sends earlier turns as `item_reference`s to
  // items only OpenAI has kept; a compatible server cannot resolve them, so send them whole.
  return wrapLanguageModel({
    model,
    middleware: defaultSettingsMiddleware({
      settings: { providerOptions: { openai: { store: false } } },
    }),
  });
}

function isOpenAI(baseURL: string) {
  return new URL(baseURL).hostname === "api.openai.com";
}

function withoutTrailingSlash(url: string) {
  return url.replace(/\/+$/, "");
}
