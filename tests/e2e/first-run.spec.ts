// The first five minutes with no key, as the README's quick start runs them (`npm run demo`:
// the demo model, here through `npm run fake-model`, which is the demo model plus test hooks):
// an example prompt → a plan card from the demo model → Approve → Run now → results in the
// thread; the templates gallery in the chat; the Templates page. A screenshot of each step at
// 1280×800 and 390×844, light and dark.
import { expect, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { MobileMenu } from "./pages/mobile-menu";
import { PlanCard } from "./pages/plan-card";
import { RunCard } from "./pages/run-card";

/** The thread's title as the chat route makes it from the first message. */
function titleOf(text: string) {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}

/** Waits until the reply has ended (the composer sends again rather than stops). */
async function idle(page: Page) {
  await expect(page.getByTestId("stop-button")).toHaveCount(0);
  await expect(page.getByTestId("send-button")).toBeVisible();
}

/** Waits until the new chat's page has become its thread's page (its cards are settled). */
async function settled(page: Page, firstMessage: string) {
  await expect(page.getByTestId("thread-title")).toHaveText(titleOf(firstMessage));
}

test("first run: an example prompt becomes a plan card, approved and run, with its results in the thread", async ({
  page,
}, testInfo) => {
  await signUp(page, "first-run");
  const chat = new ChatPage(page);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await shootAll(page, testInfo, "01-empty-chat");

  const example = page.getByTestId("example-prompt").first();
  const request = (await example.textContent()) ?? "";
  expect(request).toContain("open incidents");
  await example.click();

  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(plan.root.getByTestId("plan-title")).toHaveText("Incident digest");
  await chat.expectAssistantSays('I saved "Incident digest" as version 1');
  await chat.expectAssistantSays("sample data");
  await settled(page, request);
  await expect(page.getByTestId("template-used")).toContainText("Incident digest");
  await plan.expectState("draft");
  await shootAll(page, testInfo, "02-plan-card", plan.root);
  // The card and the demo model's words are one reply: the words come after the card.
  await shootAll(
    page,
    testInfo,
    "02-demo-reply",
    page.getByText("It reads the demo's sample data"),
  );

  await plan.approve();
  await plan.expectState("approved");
  await shootAll(page, testInfo, "03-approved", plan.root);

  await plan.root.getByTestId("run-now").click();
  const run = new RunCard(page);
  await expect(run.root).toBeVisible();
  await expect(run.status).toHaveText("succeeded");
  for (const step of ["fetch", "summarize", "post", "alert"]) {
    await run.expectStep(step, "succeeded");
  }
  // What the run posted: the demo model's digest of the sample incidents, and the sev-1 alert.
  const posts = page.getByTestId("workflow-post");
  await expect(posts.filter({ hasText: "Open incidents" })).toContainText(
    "Checkout API returns 502 for card payments",
  );
  await expect(posts.filter({ hasText: "Sev-1 open:" })).toContainText(
    "Checkout API returns 502 for card payments",
  );
  await shootAll(page, testInfo, "04-results", posts.last());

  // A follow-up the demo model understands: it revises the schedule.
  await idle(page);
  await chat.send("make it 8:00");
  const v2 = new PlanCard(page, 2);
  await expect(v2.root).toBeVisible();
  await chat.expectAssistantSays('I saved "Incident digest" as version 2');
  await shootAll(page, testInfo, "05-revised", v2.root);
});

test("the gallery in the chat: search, categories, and a template filled in with the person", async ({
  page,
}, testInfo) => {
  await signUp(page, "gallery");
  const chat = new ChatPage(page);
  await page.getByTestId("show-templates").click();
  const gallery = page.getByTestId("template-gallery");
  await expect(gallery).toBeVisible();
  const items = gallery.getByTestId("template-item");
  await expect(items).toHaveCount(16);
  await settled(page, "Show me templates");
  await shootAll(page, testInfo, "06-gallery", gallery);

  // Keyboard: the search box, then the category chips.
  await gallery.getByTestId("template-search").focus();
  await page.keyboard.type("slack");
  await expect(items).toHaveCount(2);
  await expect(items.first()).toHaveAttribute("data-template", "lead-router");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(gallery.getByRole("button", { name: "Webhooks" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(gallery.getByRole("button", { name: "Webhooks" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(items).toHaveCount(2);
  await gallery.getByTestId("template-search").fill("");
  await expect(items).toHaveCount(3);
  await gallery.getByTestId("template-search").fill("nothing like this");
  await expect(gallery.getByTestId("template-none")).toBeVisible();
  await gallery.getByRole("button", { name: "Show all" }).click();
  // "remind" also finds the category "Routines & reminders".
  await gallery.getByTestId("template-search").fill("remind");
  await expect(items).toHaveCount(3);
  await shootAll(page, testInfo, "07-gallery-search", gallery);

  await gallery.locator('[data-template="reminder"]').getByTestId("template-use").click();
  await expect(chat.userMessages().last()).toHaveText("Use the template reminder");
  await chat.expectAssistantSays("What to remind you of");
  await chat.expectAssistantSays("Reply with it.");
  await idle(page);
  await shootAll(page, testInfo, "08-template-asks", chat.assistantMessages().last());
  await chat.send("Stand up and stretch");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(plan.root.getByTestId("plan-title")).toHaveText("Reminder");
  await expect(plan.root).toContainText("Stand up and stretch");
  await shootAll(page, testInfo, "09-template-plan", plan.root);
});

test("the Templates page lists every template, filters, and opens a chat that fills one in", async ({
  page,
}, testInfo) => {
  await signUp(page, "templates");
  await page.getByTestId("nav-templates").click();
  await expect(page).toHaveURL(/\/templates$/);
  const gallery = page.getByTestId("template-gallery");
  const items = gallery.getByTestId("template-item");
  await expect(items).toHaveCount(16);
  await expect(page.getByTestId("nav-templates")).toHaveAttribute("aria-current", "page");
  await shootAll(page, testInfo, "10-templates-page");

  await gallery.getByRole("button", { name: "Monitoring & alerts" }).click();
  await expect(items).toHaveCount(2);
  await gallery.getByRole("button", { name: "All" }).click();
  await gallery.getByTestId("template-search").fill("rss");
  await expect(items).toHaveCount(1);
  await items.first().getByTestId("template-use").click();
  await expect(page).toHaveURL(/\/\?template=rss-digest$/);
  const chat = new ChatPage(page);
  await expect(chat.input).toHaveValue("Use the template rss-digest");
  await chat.input.press("Enter");
  await chat.expectAssistantSays("Feed URL");
  await chat.expectAssistantSays("the demo's sample data.");
  await settled(page, "Use the template rss-digest");
  await idle(page);
  await chat.send("use the samples");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(plan.root.getByTestId("plan-title")).toHaveText("RSS digest");
  await shootAll(page, testInfo, "11-template-from-page", plan.root);

  // The phone's menu reaches the page too.
  await page.setViewportSize({ width: 390, height: 844 });
  await new MobileMenu(page).go("Templates");
  await expect(page).toHaveURL(/\/templates$/);
  await expect(items.first()).toBeVisible();
});
