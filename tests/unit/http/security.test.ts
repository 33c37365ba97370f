import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, foreignOriginReason, securityHeaders } from "@/lib/http/security";

const headers = (values: Record<string, string>) => new Headers(values);

describe("the origin check", () => {
  const post = (path: string, values: Record<string, string>, appUrl?: string) =>
    foreignOriginReason({ method: "POST", pathname: path, headers: headers(values), appUrl });

  it("lets a same-origin request through", () => {
    expect(post("/api/secrets", { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" })).toBe(
      undefined,
    );
  });

  it("refuses another port of the same host, and another site", () => {
    expect(
      post("/api/workflows/x/runs", { origin: "http://127.0.0.1:4000", host: "127.0.0.1:3000" }),
    ).toMatch(/another origin/);
    expect(post("/api/chat", { origin: "https://evil.example", host: "flow.example.com" })).toMatch(
      /another origin/,
    );
    expect(post("/api/chat", { origin: "null", host: "flow.example.com" })).toMatch(/another site/);
  });

  it("accepts the public name behind a proxy (APP_URL or X-Forwarded-Host)", () => {
    expect(
      post(
        "/api/chat",
        { origin: "https://flow.example.com", host: "127.0.0.1:3000" },
        "https://flow.example.com",
      ),
    ).toBe(undefined);
    expect(
      post("/api/chat", {
        origin: "https://flow.example.com",
        host: "127.0.0.1:3000",
        "x-forwarded-host": "flow.example.com",
      }),
    ).toBe(undefined);
  });

  it("judges a request without Origin by Sec-Fetch-Site, and lets servers and curl through", () => {
    expect(post("/api/chat", { host: "a.example", "sec-fetch-site": "cross-site" })).toMatch(
      /another site/,
    );
    expect(post("/api/chat", { host: "a.example", "sec-fetch-site": "same-site" })).toMatch(
      /another site/,
    );
    expect(post("/api/chat", { host: "a.example", "sec-fetch-site": "same-origin" })).toBe(
      undefined,
    );
    expect(post("/api/chat", { host: "a.example" })).toBe(undefined);
  });

  it("leaves reads alone, and the token and signature routes to their own credential", () => {
    const foreign = { origin: "https://evil.example", host: "a.example" };
    expect(
      foreignOriginReason({ method: "GET", pathname: "/api/runs/x", headers: headers(foreign) }),
    ).toBe(undefined);
    for (const path of ["/api/hooks/abc", "/api/resume/abc", "/api/inngest"]) {
      expect(post(path, foreign), path).toBe(undefined);
    }
    for (const path of ["/api/inngestion", "/api/hooksx", "/api/workflows/x/versions"]) {
      expect(post(path, foreign), path).toMatch(/another origin/);
    }
  });
});

describe("the content security policy", () => {
  it("allows scripts only with the request's nonce, and no framing or remote images", () => {
    const csp = contentSecurityPolicy({ nonce: "abc", development: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("object-src 'none'");
  });

  it("lets React's development tooling and hot reload work in development", () => {
    const csp = contentSecurityPolicy({ nonce: "abc", development: true, https: false });
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
  });
});

describe("security headers", () => {
  it("sends HSTS only behind https", () => {
    expect(securityHeaders({ https: false })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ https: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(securityHeaders({ https: false })).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
  });
});
