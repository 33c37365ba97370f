import { describe, expect, it } from "vitest";
import { createRedactor, noRedaction } from "@/lib/secrets/redact";

const secret = "s3cr3t-T0ken/with+chars";
const redactor = createRedactor({ API_TOKEN: secret, SHORT: "abc", PASSWORD: "pa ss&word" });

describe("secret redaction", () => {
  it("replaces the raw value", () => {
    expect(redactor.text(`Bearer ${secret}`)).toBe("Bearer [secret:API_TOKEN]");
  });

  it("replaces URL-encoded, form-encoded and JSON-escaped forms", () => {
    expect(redactor.text(`?t=${encodeURIComponent(secret)}`)).toBe("?t=[secret:API_TOKEN]");
    expect(redactor.text(`p=${new URLSearchParams({ p: "pa ss&word" }).toString().slice(2)}`)).toBe(
      "p=[secret:PASSWORD]",
    );
    const quoted = createRedactor({ Q: 'say "hi" now' });
    expect(quoted.text(JSON.stringify({ v: 'say "hi" now' }))).toBe('{"v":"[secret:Q]"}');
  });

  it("replaces base64 and base64url forms, also inside a Basic auth header", () => {
    expect(redactor.text(Buffer.from(secret).toString("base64"))).toBe("[secret:API_TOKEN]");
    expect(redactor.text(Buffer.from(secret).toString("base64url"))).toBe("[secret:API_TOKEN]");
    for (const user of ["u", "us", "use", "user"]) {
      const basic = Buffer.from(`${user}:${secret}`).toString("base64");
      expect(redactor.text(`Basic ${basic}`)).toContain("[secret:API_TOKEN]");
      expect(redactor.text(`Basic ${basic}`)).not.toContain(
        Buffer.from(secret).toString("base64").slice(4, 20),
      );
    }
  });

  it("redacts every stored value, even one too short to look for in its encoded forms", () => {
    expect(redactor.text("abc abc")).toBe("[secret:SHORT] [secret:SHORT]");
    expect(createRedactor({ PIN: "42" }).text("pin 42")).toBe("pin [secret:PIN]");
  });

  it("walks objects and arrays, keys included, without touching the original", () => {
    const input = {
      headers: { authorization: `Bearer ${secret}` },
      list: [secret, 1, null],
      [secret]: true,
    };
    const out = redactor.value(input);
    expect(out).toEqual({
      headers: { authorization: "Bearer [secret:API_TOKEN]" },
      list: ["[secret:API_TOKEN]", 1, null],
      "[secret:API_TOKEN]": true,
    });
    expect(input.headers.authorization).toContain(secret);
  });

  it("copes with cycles and errors", () => {
    const cyclic: Record<string, unknown> = { token: secret };
    cyclic.self = cyclic;
    const out = redactor.value(cyclic) as Record<string, unknown>;
    expect(out.token).toBe("[secret:API_TOKEN]");
    expect(out.self).toBe(out);
    const error = redactor.value(new Error(`failed with ${secret}`));
    expect(error.message).toBe("failed with [secret:API_TOKEN]");
  });

  it("prefers the longer secret when one contains another", () => {
    const nested = createRedactor({ INNER: "abcd1234", OUTER: "xxabcd1234yy" });
    expect(nested.text("xxabcd1234yy and abcd1234")).toBe("[secret:OUTER] and [secret:INNER]");
  });

  it("does nothing without secrets", () => {
    expect(createRedactor({})).toBe(noRedaction);
    expect(noRedaction.value({ a: "b" })).toEqual({ a: "b" });
  });
});
