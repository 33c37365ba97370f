// After sign-in a person goes to a path on this site and nowhere else.
import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirect } from "@/lib/auth/redirect";

describe("the redirect after sign-in", () => {
  it.each([
    ["/", "/"],
    ["/chat/123", "/chat/123"],
    ["/workflows/abc?tab=runs#latest", "/workflows/abc?tab=runs#latest"],
    ["/settings/", "/settings/"],
    ["/a/../settings", "/settings"],
    ["/search?q=caf%C3%A9", "/search?q=caf%C3%A9"],
  ])("keeps the same-site path %j", (value, expected) => {
    expect(safeRedirect(value)).toBe(expected);
  });

  it.each([
    ["a backslash after the slash", "/\\evil.example/"],
    ["backslashes only", "\\\\evil.example"],
    ["a backslash later on", "/foo\\..\\\\evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["three slashes", "///evil.example"],
    ["an absolute URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["a relative path", "evil.example"],
    ["a tab inside the slashes", "/\t/evil.example"],
    ["a newline inside the slashes", "/\n/evil.example"],
    ["a leading space", " /chat"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded slash", "/%2F/evil.example"],
    ["an encoded slash, lower case", "/%2f%2fevil.example"],
    ["an encoded tab", "/%09/evil.example"],
    ["a double-encoded slash", "/%252F%252Fevil.example"],
    ["a NUL byte", "/\u0000/evil.example"],
    ["DEL", "/\u007f/evil.example"],
    ["an empty string", ""],
    ["a very long value", `/${"a".repeat(3000)}`],
  ])("refuses %s", (_, value) => {
    expect(safeRedirect(value)).toBe("/");
  });

  it("refuses what is not a string", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(new Blob())).toBe("/");
  });
});

describe("Auth.js's redirect callback", () => {
  const base = "http://app.test:3000";

  it("resolves a safe path or a same-origin URL against the app", () => {
    expect(safeCallbackUrl("/chat/1", base)).toBe(`${base}/chat/1`);
    expect(safeCallbackUrl(`${base}/chat/1?x=1`, base)).toBe(`${base}/chat/1?x=1`);
    expect(safeCallbackUrl(base, base)).toBe(`${base}/`);
  });

  it.each([
    "/\\evil.example/",
    "//evil.example",
    "https://evil.example/",
    `${base}/\\evil.example`,
    "http://app.test:3000@evil.example/",
    "http://app.test:3001/",
    "not a url",
  ])("sends %j home", (url) => {
    expect(safeCallbackUrl(url, base)).toBe(`${base}/`);
  });
});
