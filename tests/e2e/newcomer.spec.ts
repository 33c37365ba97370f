// The newcomer's rough edges: a failure on a new chat's first message, the header's model
// label, the favicon, and Settings on a phone.
import { expect, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";

const token = () => `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("a model failure on a new chat's first message shows the error, kept when the page becomes the thread's, and Retry answers", async ({
  page,
}, testInfo) => {
  await signUp(page, "first-failure");
  const chat = new ChatPage(page);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  const message = `/fail-once ${token()}`;
  await chat.send(message);

  // The page has become the saved thread's page (its title shows), and the error is still there.
  await expect(page.getByTestId("thread-title")).toHaveText(message);
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  const error = page.getByTestId("chat-error");
  await expect(error).toContainText("The model could not answer");
  await expect(error).toContainText("scripted failure");
  await expect(chat.userMessages()).toHaveCount(1);
  // Still there once everything settled (the swap's refresh does not take it later).
  await page.waitForLoadState("networkidle");
  await expect(error).toBeVisible();
  await shootAll(page, testInfo, "first-message-error", error);

  await error.getByTestId("chat-retry").click();
  await chat.expectAssistantSays(/Answered after a failure/);
  await expect(error).toHaveCount(0);
  await expect(chat.userMessages()).toHaveCount(1);

  // What the thread keeps: the message once, and the answer.
  await page.reload();
  await expect(chat.userMessages()).toHaveCount(1);
  await chat.expectAssistantSays(/Answered after a failure/);
  await expect(error).toHaveCount(0);
});

test("a model failure in an existing thread shows the error with Retry, as before", async ({
  page,
}) => {
  await signUp(page, "thread-failure");
  const chat = new ChatPage(page);
  await chat.send("Hello first");
  await chat.expectAssistantSays('You said: "Hello first"');
  await expect(page.getByTestId("thread-title")).toHaveText("Hello first");

  await chat.send(`/fail-once ${token()}`);
  const error = page.getByTestId("chat-error");
  await expect(error).toContainText("The model could not answer");
  await error.getByTestId("chat-retry").click();
  await chat.expectAssistantSays(/Answered after a failure/);
  await expect(error).toHaveCount(0);
});

test("an error does not follow the person to another new chat", async ({ page }) => {
  await signUp(page, "error-stays");
  const chat = new ChatPage(page);
  const message = `/fail-once ${token()}`;
  await chat.send(message);
  await expect(page.getByTestId("thread-title")).toHaveText(message);
  await expect(page.getByTestId("chat-error")).toBeVisible();
  await page.getByTestId("new-chat").click();
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await expect(page.getByTestId("chat-error")).toHaveCount(0);
});

test("the header names the model that answers", async ({ page }, testInfo) => {
  await signUp(page, "model-label");
  const label = page.getByTestId("model-label");
  // playwright.config.ts points the app at the fake model as OPENAI_MODEL=flowchat-test.
  await expect(label).toHaveText("Model: flowchat-test");
  await expect(label).toHaveAttribute("title", /flowchat-test at http:\/\/127\.0\.0\.1:\d+\/v1/);
  await new ChatPage(page).send("Hello label");
  await expect(page.getByTestId("thread-title")).toHaveText("Hello label");
  await expect(label).toHaveText("Model: flowchat-test");
  await shootAll(page, testInfo, "header");
});

test("every page has a favicon", async ({ page }) => {
  const icon = await page.request.get("/icon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  expect(await icon.text()).toContain("<svg");
  for (const path of ["/login", "/register"]) {
    await page.goto(path);
    const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(href).toMatch(/^\/icon\.svg/);
  }
});

/** Elements inside `main` whose box pokes out of the viewport or whose text is cut off. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const width = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll("main *")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const name = `${el.tagName.toLowerCase()}${el.getAttribute("data-testid") ? `[${el.getAttribute("data-testid")}]` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
      if (box.right > width + 0.5 || box.left < -0.5) bad.push(`outside the viewport: ${name}`);
      const style = getComputedStyle(el);
      const clips = style.overflowX === "hidden" || style.overflowX === "clip";
      if (clips && el.scrollWidth > el.clientWidth + 1 && style.textOverflow !== "ellipsis") {
        bad.push(`text cut off: ${name}`);
      }
    }
    // A placeholder wider than its field is cut off too (it does not scroll like a value).
    const context = document.createElement("canvas").getContext("2d");
    for (const input of document.querySelectorAll<HTMLInputElement>("main input[placeholder]")) {
      if (!context || input.value || input.getBoundingClientRect().width === 0) continue;
      const style = getComputedStyle(input);
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room =
        input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (context.measureText(input.placeholder).width > room + 1) {
        bad.push(`placeholder cut off: "${input.placeholder}"`);
      }
    }
    return bad;
  });
}

test("Settings fits a phone: nothing runs off the screen or is cut off", async ({
  page,
}, testInfo) => {
  await signUp(page, "narrow-settings");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.goto("/settings");
  await page.getByTestId("secret-name").fill("slack_webhook");
  await page.getByTestId("secret-value").fill("xoxb-very-secret-token-123");
  await page.getByTestId("secret-add").click();
  await expect(page.getByTestId("secret-item")).toHaveCount(1);
  for (const [width, height] of [
    [390, 844],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    expect(await overflowing(page)).toEqual([]);
    // An inline reference such as {{ secrets.SLACK_WEBHOOK }} reads as one piece, never split
    // over two lines.
    const split = await page.evaluate(() =>
      [...document.querySelectorAll("main p code")]
        .filter((code) => code.getClientRects().length > 1)
        .map((code) => code.textContent),
    );
    expect(split).toEqual([]);
  }
  await shootAll(page, testInfo, "settings");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("settings-390-full.png"), fullPage: true });
});
