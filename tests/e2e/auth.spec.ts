import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";

const password = "correct horse battery";
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

test("a sign-in link whose next points to another site lands on the home page", async ({
  page,
}) => {
  const auth = new AuthPage(page);
  const email = `redirect-${unique()}@example.com`;
  await auth.register(email, password);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await page.goto(`/login?next=${encodeURIComponent("/\\evil.example/")}`);
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("auth-submit").click();
  await expect(page.getByTestId("empty-state")).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL ?? "").host);
  expect(new URL(page.url()).pathname).toBe("/");
});

test("signing out ends the session for a copy of its cookie too", async ({ page, browser }) => {
  await new AuthPage(page).register(`signout-${unique()}@example.com`, password);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  const copied = await page.context().cookies();
  expect(copied.some((cookie) => cookie.name.includes("session-token"))).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto("/");
  await expect(stolen).toHaveURL(/\/login/);
  const session = await stolen.request.get("/api/auth/session");
  expect(await session.json()).toBeNull();
  await thief.close();
});

test("sign-in is refused for a while after repeated failures, in the form and over HTTP", async ({
  page,
}) => {
  const auth = new AuthPage(page);
  const email = `throttled-${unique()}@example.com`;
  await auth.register(email, password);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  for (let i = 0; i < 5; i++) {
    await auth.login(email, `wrong password ${i}`);
    await auth.expectError("Wrong email or password.");
  }
  await auth.login(email, password);
  await auth.expectError(/Too many attempts\. Try again in \d+ minutes?\./);
  await expect(page).toHaveURL(/\/login/);

  // Auth.js's own endpoint, as a script would call it, shares the same count.
  const { csrfToken } = await (await page.request.get("/api/auth/csrf")).json();
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(429);
  expect(Number(response.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await response.json()).error.code).toBe("rate_limit:auth");
});
