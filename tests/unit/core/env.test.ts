import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

describe("configuration", () => {
  it("runs on embedded defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe(".data/pglite");
    expect(env.INNGEST_DEV).toBe(false);
    expect(env.OPENAI_API_KEY).toBeUndefined();
  });

  it("treats empty strings as unset, as .env files often leave them", () => {
    const env = parseEnv({ DATABASE_URL: "", OPENAI_API_KEY: "  ", INNGEST_DEV: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.INNGEST_DEV).toBe(false);
  });

  it("reads flags and URLs", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/flowchat",
      INNGEST_DEV: "1",
      OPENAI_BASE_URL: "http://127.0.0.1:11434/v1",
      OPENAI_API: "chat",
    });
    expect(env.DATABASE_URL).toBe("postgres://postgres@127.0.0.1:5432/flowchat");
    expect(env.INNGEST_DEV).toBe(true);
    expect(env.OPENAI_API).toBe("chat");
  });

  it("names every invalid variable in one error", () => {
    expect(() => parseEnv({ DATABASE_URL: "not a url", OPENAI_API: "soap" })).toThrow(EnvError);
    try {
      parseEnv({ DATABASE_URL: "not a url", OPENAI_API: "soap" });
    } catch (error) {
      expect((error as Error).message).toContain("DATABASE_URL");
      expect((error as Error).message).toContain("OPENAI_API");
    }
  });
});
