// The check instrumentation.ts runs as the server starts: a malformed setting stops it, named.
import { afterEach, describe, expect, it, vi } from "vitest";
import { refuseInvalidSettings } from "@/lib/settings-check";

afterEach(() => vi.restoreAllMocks());

describe("the settings check as the server starts", () => {
  it("stops the process, naming each malformed variable and what is wrong", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    refuseInvalidSettings({ OPENAI_BASE_URL: "not-a-url", PORT: "http" });
    expect(exit).toHaveBeenCalledWith(1);
    const message = error.mock.calls.map((call) => String(call[0])).join("\n");
    expect(message).toContain("Flowchat cannot start: invalid configuration.");
    expect(message).toContain("  - OPENAI_BASE_URL: must be an absolute URL");
    expect(message).toMatch(/ {2}- PORT: /);
    expect(message).not.toContain("not-a-url");
  });

  it("lets valid settings through, warning about a model server without a model id", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    refuseInvalidSettings({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" });
    expect(exit).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("OPENAI_MODEL"));
    refuseInvalidSettings({});
    expect(exit).not.toHaveBeenCalled();
  });
});
