import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";

const password = "correct horse battery";
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

test("a new person signs up, chats, and finds the conversation again after a reload", async ({
  page,
}, testInfo) => {
  const auth = new AuthPage(page);
  const chat = new ChatPage(page);
  await auth.register(`ada-${unique()}@example.com`, password);

  await expect(page.getByTestId("empty-state")).toBeVisible();
  await chat.send("Hello Flowchat");
  await expect(chat.userMessages().last()).toContainText("Hello Flowchat");
  await chat.expectAssistantSays('You said: "Hello Flowchat"');
  await expect(page).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  await page.screenshot({ path: testInfo.outputPath("chat-streamed.png"), fullPage: true });

  // Shift+Enter makes a new line instead of sending.
  await chat.input.fill("first line");
  await chat.input.press("Shift+Enter");
  await chat.input.pressSequentially("second line");
  await expect(chat.input).toHaveValue("first line\nsecond line");
  await chat.input.press("Enter");
  await chat.expectAssistantSays("second line");

  await page.reload();
  await expect(chat.userMessages()).toHaveCount(2);
  await chat.expectAssistantSays('You said: "Hello Flowchat"', 0);
  await expect(page.getByTestId("thread-item").first()).toContainText("Hello Flowchat");
  await page.screenshot({ path: testInfo.outputPath("chat-reloaded.png"), fullPage: true });
});

test("another person opening that thread's URL gets a not-found page", async ({
  browser,
}, testInfo) => {
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await new AuthPage(ownerPage).register(`owner-${unique()}@example.com`, password);
  await new ChatPage(ownerPage).send("My private plans");
  await expect(ownerPage).toHaveURL(/\/chat\/[0-9a-f-]{36}$/);
  await new ChatPage(ownerPage).expectAssistantSays("My private plans");
  const threadUrl = ownerPage.url();

  const intruder = await browser.newContext();
  const intruderPage = await intruder.newPage();
  await new AuthPage(intruderPage).register(`intruder-${unique()}@example.com`, password);
  await expect(intruderPage.getByTestId("empty-state")).toBeVisible();
  const response = await intruderPage.goto(threadUrl);
  expect(response?.status()).toBe(404);
  await expect(intruderPage.getByTestId("not-found")).toBeVisible();
  await expect(intruderPage.getByText("My private plans")).toHaveCount(0);
  await intruderPage.screenshot({ path: testInfo.outputPath("not-found.png") });

  const api = await intruderPage.request.delete(`/api/threads/${threadUrl.split("/").pop()}`);
  expect(api.status()).toBe(404);
  await owner.close();
  await intruder.close();
});

test("sign-in and sign-up explain bad input", async ({ page }) => {
  const auth = new AuthPage(page);
  const email = `grace-${unique()}@example.com`;
  await auth.register(email, "short");
  await expect(page).toHaveURL(/\/register/);
  await auth.register(email, password);
  await expect(page.getByTestId("empty-state")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // Signing up again with another password is refused without saying the email is taken.
  await auth.register(email, "another long password");
  await auth.expectError("We could not create an account with this email and password.");
  await auth.login(email, "wrong password!");
  await auth.expectError("Wrong email or password.");
  await auth.login(email, password);
  await expect(page.getByTestId("empty-state")).toBeVisible();
});

test("threads can be renamed and deleted from the sidebar", async ({ page }) => {
  await new AuthPage(page).register(`linus-${unique()}@example.com`, password);
  const chat = new ChatPage(page);
  await chat.send("Thread to rename");
  await chat.expectAssistantSays("Thread to rename");

  const item = page.getByTestId("thread-item").first();
  await item.hover();
  await item.getByTestId("rename-thread").click();
  await page.getByTestId("rename-input").fill("Renamed thread");
  await page.getByTestId("rename-input").press("Enter");
  await expect(item).toContainText("Renamed thread");

  page.once("dialog", (dialog) => dialog.accept());
  await item.hover();
  await item.getByTestId("delete-thread").click();
  await expect(page.getByTestId("thread-item")).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
});

test("Escape stops a streaming reply and Regenerate answers again", async ({ page }) => {
  await new AuthPage(page).register(`stop-${unique()}@example.com`, password);
  const chat = new ChatPage(page);
  const words = Array.from({ length: 150 }, (_, i) => `word${i}`);
  await chat.send(words.join(" "));
  await expect(page.getByTestId("stop-button")).toBeVisible();
  await chat.expectAssistantSays("word3");
  await chat.input.press("Escape");
  await expect(page.getByTestId("send-button")).toBeVisible();
  await expect(chat.assistantMessages().last()).not.toContainText("word149");

  await chat.assistantMessages().last().hover();
  await page.getByTestId("regenerate").click();
  await chat.expectAssistantSays("word149");
  await expect(chat.assistantMessages()).toHaveCount(1);

  await page.reload();
  await expect(chat.assistantMessages()).toHaveCount(1);
  await chat.expectAssistantSays("word149");
});

test("typing on right after a new chat's first reply keeps the draft and the caret", async ({
  page,
}) => {
  await new AuthPage(page).register(`typist-${unique()}@example.com`, password);
  const chat = new ChatPage(page);
  // Once the first reply is stored, the new chat's page is refreshed into the thread's page,
  // which mounts a new composer. Hold that refresh until a draft has been started, as when
  // the server is slow and the person types on.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let refreshed = false;
  await page.route(
    (url) => url.pathname.startsWith("/chat/") && url.searchParams.has("_rsc"),
    async (route) => {
      await held;
      refreshed = true;
      await route.continue();
    },
  );
  await chat.send("First message");
  await chat.expectAssistantSays('You said: "First message"');
  await chat.input.fill("abc");
  await chat.input.evaluate((el) => el.setAttribute("data-before-refresh", "1"));
  release();
  await expect.poll(() => refreshed).toBe(true);
  // The refreshed page mounts a new composer (the marker is gone) holding the draft.
  await expect(page.locator('[data-testid="composer-input"][data-before-refresh]')).toHaveCount(0);
  await expect(chat.input).toHaveValue("abc");
  await expect(chat.input).toBeFocused();
  await chat.input.pressSequentially("d");
  await expect(chat.input).toHaveValue("abcd");
});
