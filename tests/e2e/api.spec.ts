import { expect, test } from "@playwright/test";
import { signUp } from "./pages/flows";

const _password = "correct horse battery";

test.describe("/api/chat refuses bad input with a JSON error", () => {
  test.beforeEach(async ({ page }) => {
    await signUp(page, "api");
    await expect(page.getByTestId("empty-state")).toBeVisible();
  });

  const threadId = () => crypto.randomUUID();
  const message = (text: string) => ({
    id: crypto.randomUUID(),
    role: "user",
    parts: [{ type: "text", text }],
  });

  test("a body that is not JSON", async ({ page }) => {
    const response = await page.request.post("/api/chat", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{not json"),
    });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "bad_request:chat", message: "The request body must be JSON." },
    });
  });

  test("a body of the wrong shape", async ({ page }) => {
    const response = await page.request.post("/api/chat", { data: { hello: "world" } });
    expect(response.status()).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("bad_request:chat");
  });

  test("an empty message", async ({ page }) => {
    const response = await page.request.post("/api/chat", {
      data: { trigger: "submit-message", id: threadId(), message: message("   ") },
    });
    expect(response.status()).toBe(400);
    expect((await response.json()).error.message).toContain("A message cannot be empty.");
  });

  test("an oversized message", async ({ page }) => {
    const response = await page.request.post("/api/chat", {
      data: { trigger: "submit-message", id: threadId(), message: message("x".repeat(8_001)) },
    });
    expect(response.status()).toBe(400);
    expect((await response.json()).error.message).toContain("at most 8000 characters");
  });

  test("a request without a session", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const response = await anonymous.post("/api/chat", {
      data: { trigger: "submit-message", id: threadId(), message: message("hi") },
    });
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized:auth");
    await anonymous.dispose();
  });
});

test.describe("the trust boundary of the running app", () => {
  test("every page and API answer carries the security headers, and none says what serves it", async ({
    playwright,
    baseURL,
  }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    for (const path of ["/login", "/api/health", "/api/workflows"]) {
      const response = await anonymous.get(path);
      const headers = response.headers();
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["x-powered-by"], path).toBeUndefined();
    }
    const page = await anonymous.get("/login");
    const csp = page.headers()["content-security-policy"];
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    // Next's own scripts carry this request's nonce.
    expect(await page.text()).toContain(`nonce="${nonce}"`);
    await anonymous.dispose();
  });

  test("a state-changing request from another origin is refused with 403", async ({ page }) => {
    await signUp(page, "origin");
    await expect(page.getByTestId("empty-state")).toBeVisible();
    // The session cookie rides along, as it would from a page on another port of this host.
    const foreign = await page.request.post("/api/secrets", {
      headers: { origin: "http://127.0.0.1:9", "content-type": "application/json" },
      data: { name: "FROM_ELSEWHERE", value: "nope-nope" },
    });
    expect(foreign.status()).toBe(403);
    expect((await foreign.json()).error.code).toBe("forbidden:api");
    const list = await page.request.get("/api/secrets");
    expect((await list.json()).secrets).toEqual([]);
  });

  test("the app's Inngest endpoint answers unsigned calls with 401 and says nothing", async ({
    playwright,
    baseURL,
  }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    for (const method of ["GET", "PUT", "POST"] as const) {
      const response = await anonymous.fetch(
        "/api/inngest?fnId=flowchat-schedule-tick&stepId=step",
        {
          method,
          headers: { "content-type": "application/json" },
          data:
            method === "GET" ? undefined : { event: { name: "inngest/scheduled.timer", data: {} } },
        },
      );
      expect(response.status(), method).toBe(401);
      const text = await response.text();
      expect(text).not.toContain("function_count");
      expect(text).not.toContain("userId");
    }
    await anonymous.dispose();
  });
});
