import { describe, expect, it } from "vitest";
import { checkSettings, EnvError, parseEnv } from "@/lib/env";

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

  it("reads rate-limit overrides as name=points/window, in seconds, minutes or hours", () => {
    const env = parseEnv({ RATE_LIMITS: "register=100/1h, chat=60/90s,login=3/15m,webhook=5/30" });
    expect(env.RATE_LIMITS).toEqual({
      register: { points: 100, duration: 3600 },
      chat: { points: 60, duration: 90 },
      login: { points: 3, duration: 900 },
      webhook: { points: 5, duration: 30 },
    });
    expect(parseEnv({}).RATE_LIMITS).toEqual({});
  });

  it("refuses an unknown limit name or a malformed rate limit", () => {
    expect(() => parseEnv({ RATE_LIMITS: "signup=5/1h" })).toThrow(/RATE_LIMITS.*signup=5\/1h/s);
    expect(() => parseEnv({ RATE_LIMITS: "chat=0/1m" })).toThrow(EnvError);
    expect(() => parseEnv({ RATE_LIMITS: "chat=5 per minute" })).toThrow(EnvError);
  });

  it("trusts no proxy unless told how many there are", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(0);
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(() => parseEnv({ TRUST_PROXY: "yes" })).toThrow(EnvError);
  });
});

describe("the settings check at start", () => {
  // One malformed value per variable that has a shape; each must be named in the problem.
  const malformed: Record<string, string> = {
    DATABASE_URL: "not a url",
    OPENAI_BASE_URL: "not-a-url",
    INNGEST_BASE_URL: "inngest.internal",
    APP_URL: "flowchat.example.com",
    OPENAI_API: "soap",
    INNGEST_MODE: "cluster",
    INNGEST_DEV: "yes",
    INNGEST_SIGNING_KEY: "not hex",
    INNGEST_EMBEDDED_PORT: "70000",
    PORT: "http",
    TRUST_PROXY: "-1",
    RATE_LIMITS: "chat=lots",
    MAX_REQUEST_BYTES: "12",
    INNGEST_MAX_REQUEST_BYTES: "1kb",
    RUN_CONCURRENCY_PER_USER: "0",
    RUN_RETENTION_DAYS: "forever",
    RUN_RETENTION_FAILED_DAYS: "0",
    INNGEST_EMBEDDED_RETENTION_DAYS: "-3",
    HTTP_ALLOWLIST: "10.0.0.0/99",
    HTTP_MAX_RESPONSE_BYTES: "tiny",
    SMTP_PORT: "smtp",
    MCP_ALLOW_STDIO: "maybe",
    NODE_ENV: "staging",
  };

  it.each(Object.entries(malformed))("names %s and says what is wrong (%s)", (name, value) => {
    const { problems } = checkSettings({ [name]: value });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(new RegExp(`^${name}: \\S`));
  });

  it("never repeats the value, which may be a secret", () => {
    const { problems } = checkSettings({ DATABASE_URL: "postgres//user:hunter2@db" });
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("says what a URL should look like", () => {
    expect(checkSettings({ OPENAI_BASE_URL: "not-a-url" }).problems).toEqual([
      "OPENAI_BASE_URL: must be an absolute URL, such as http://127.0.0.1:11434/v1",
    ]);
  });

  it("passes the README's settings and the defaults", () => {
    expect(checkSettings({})).toEqual({ problems: [], warnings: [] });
    expect(
      checkSettings({
        OPENAI_BASE_URL: "http://127.0.0.1:4010/v1",
        OPENAI_MODEL: "flowchat-demo",
        HTTP_ALLOWLIST: "127.0.0.1:4010",
        APP_URL: "https://flowchat.example.com",
      }),
    ).toEqual({ problems: [], warnings: [] });
  });

  it("warns when a model server is named without a model id", () => {
    const { problems, warnings } = checkSettings({ OPENAI_BASE_URL: "http://127.0.0.1:4010/v1" });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("OPENAI_MODEL")]);
  });
});
