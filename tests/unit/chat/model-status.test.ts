// The chat header's model label: the id the app sends, labelled, or the demo model by name.
import { describe, expect, it } from "vitest";
import { modelStatus } from "@/app/(chat)/model-status";
import { getModelConfig } from "@/lib/ai/providers";
import { parseEnv } from "@/lib/env";

const statusFor = (settings: Record<string, string>) =>
  modelStatus(getModelConfig(parseEnv(settings)));

describe("the header's model label", () => {
  it("names the configured model, not OpenAI's default", () => {
    expect(
      statusFor({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3.2" }),
    ).toEqual({
      configured: true,
      model: "llama3.2",
      label: "Model: llama3.2",
      title: "llama3.2 at http://127.0.0.1:11434/v1 (chat API)",
    });
  });

  it("says which model OpenAI is asked for", () => {
    expect(statusFor({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-5.4" })).toMatchObject({
      label: "Model: gpt-5.4",
      title: "gpt-5.4 at OpenAI",
    });
    expect(statusFor({ OPENAI_API_KEY: "sk-test" })).toMatchObject({
      label: "Model: gpt-5.4-mini",
    });
  });

  it("calls Flowchat's demo model by its name", () => {
    const status = statusFor({
      OPENAI_BASE_URL: "http://127.0.0.1:4010/v1",
      OPENAI_MODEL: "flowchat-demo",
    });
    expect(status).toMatchObject({ label: "Demo model", model: "flowchat-demo" });
    expect(status).toHaveProperty("title", expect.stringContaining("no AI"));
  });

  it("shows no label but the setup help when no model is configured", () => {
    expect(statusFor({})).toEqual({
      configured: false,
      help: expect.stringContaining("OPENAI_API_KEY"),
    });
  });
});
