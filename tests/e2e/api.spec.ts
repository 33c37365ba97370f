import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";

const password = "correct horse battery";

test.describe("/api/chat refuses bad input with a JSON error", () => {
  test.beforeEach(async ({ page }) => {
    await new AuthPage(page).register(
      `api-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      password,
    );
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
