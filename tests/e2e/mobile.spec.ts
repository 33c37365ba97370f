import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { MobileMenu } from "./pages/mobile-menu";
import { PlanCard } from "./pages/plan-card";

// The shell on a phone (390×844): a top bar with a menu whose drawer reaches every page, and
// on a desktop the sidebar's thread rows, whose actions sit beside the title.

const phone = { width: 390, height: 844 };

test.use({ viewport: phone });
test.beforeEach(async ({ page }) => {
  // The drawer slides in; screenshots and boxes are taken without waiting for the motion.
  await page.emulateMedia({ reducedMotion: "reduce" });
});

/** Nothing sticks out sideways: the element's content fits its width. */
async function expectNoSidewaysOverflow(page: Page, testId: string) {
  const overflow = await page
    .getByTestId(testId)
    .first()
    .evaluate((element) => element.scrollWidth - element.clientWidth);
  expect(overflow, `${testId} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

/** The drawer exists only on a phone: its screenshots, light and dark, at 390×844. */
async function shootPhone(page: Page, testInfo: TestInfo, name: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: testInfo.outputPath(`${name}-390-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("at 390 px the menu reaches the threads, Workflows, Settings, New chat and Sign out", async ({
  page,
}, testInfo) => {
  test.slow();
  await signUp(page, "phone");
  const chat = new ChatPage(page);
  const menu = new MobileMenu(page);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  // The desktop sidebar is gone; the top bar replaces it.
  await expect(page.getByTestId("thread-list")).toBeHidden();
  await expect(menu.button).toBeVisible();
  await expect(menu.button).toHaveAttribute("aria-controls", "mobile-drawer");
  await menu.expectClosed();

  await chat.send("A conversation to come back to");
  await chat.expectAssistantSays("A conversation to come back to");
  await expect(page.getByTestId("thread-title")).toHaveText("A conversation to come back to");
  const threadUrl = page.url();

  await menu.go("Workflows");
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByRole("heading", { name: "Workflows", level: 1 })).toBeVisible();
  await menu.expectClosed();
  await expect(menu.button).toBeFocused();

  await menu.go("Settings");
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("secrets-panel")).toBeVisible();
  await menu.expectClosed();

  // The page behind does not scroll while the drawer is open; a tap beside it closes it.
  await menu.open();
  expect(await page.evaluate(() => getComputedStyle(document.body).overflow)).toBe("hidden");
  const box = await menu.drawer.boundingBox();
  expect(box && box.width < phone.width - 40).toBe(true);
  await page.mouse.click(phone.width - 15, phone.height / 2);
  await menu.expectClosed();
  expect(await page.evaluate(() => getComputedStyle(document.body).overflow)).not.toBe("hidden");

  await menu.go("A conversation to come back to");
  await expect(page).toHaveURL(threadUrl);
  await chat.expectAssistantSays("A conversation to come back to");
  await menu.expectClosed();

  // A thread's actions are reachable in the drawer too.
  await menu.open();
  const item = menu.drawer.getByTestId("thread-item").first();
  await item.getByTestId("thread-link").focus();
  await expect(item.getByTestId("rename-thread")).toBeVisible();
  await expect(item.getByTestId("delete-thread")).toBeVisible();
  await shootPhone(page, testInfo, "drawer-open");
  // Widened past 768 px the drawer gives way to the sidebar.
  await page.setViewportSize({ width: 1280, height: 800 });
  await menu.expectClosed();
  await expect(page.getByTestId("thread-list")).toBeVisible();
  await page.setViewportSize(phone);

  await menu.go("New chat");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await menu.expectClosed();
  // The top bar's own New chat button does the same in one tap.
  await page.goto(threadUrl);
  await page.getByTestId("topbar-new-chat").click();
  await expect(page.getByTestId("empty-state")).toBeVisible();

  await menu.open();
  await expect(menu.drawer.getByTestId("user-email")).toBeVisible();
  await menu.drawer.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
});

test("the drawer keeps Tab inside, closes on Escape and gives focus back to the menu button", async ({
  page,
}) => {
  await signUp(page, "phone-keys");
  await new ChatPage(page).send("Keyboard only");
  await expect(page.getByTestId("thread-title")).toHaveText("Keyboard only");
  const menu = new MobileMenu(page);

  await menu.button.focus();
  await page.keyboard.press("Enter");
  await expect(menu.drawer).toBeVisible();
  await expect(menu.button).toHaveAttribute("aria-expanded", "true");
  await expect(menu.drawer.getByTestId("menu-close")).toBeFocused();

  // Forward through every control and round again: focus never leaves the drawer.
  const stops = await menu.drawer
    .locator("a[href], button")
    .evaluateAll((elements) => elements.length);
  const seen = new Set<string>();
  for (let i = 0; i < stops + 3; i += 1) {
    await page.keyboard.press("Tab");
    expect(await menu.focusInside()).toBe(true);
    seen.add(
      await page.evaluate(() => {
        const element = document.activeElement;
        if (!element) return "";
        const label = element.getAttribute("aria-label") ?? element.textContent?.trim();
        return `${element.tagName}|${label}|${element.getAttribute("href") ?? ""}`;
      }),
    );
  }
  // Every link and button was reached (rename/delete appear as their row takes focus).
  expect(seen.size).toBeGreaterThanOrEqual(stops);
  // Backwards from the first control wraps to the last one.
  await menu.drawer.getByRole("link", { name: "Flowchat" }).focus();
  await page.keyboard.press("Shift+Tab");
  await expect(menu.drawer.getByRole("button", { name: "Sign out" })).toBeFocused();

  // Escape while renaming ends the rename, not the drawer.
  await menu.drawer.getByTestId("thread-link").first().focus();
  await page.keyboard.press("Tab");
  await expect(menu.drawer.getByTestId("rename-thread").first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(menu.drawer.getByTestId("rename-input")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu.drawer.getByTestId("rename-input")).toHaveCount(0);
  await expect(menu.drawer).toBeVisible();
  await expect(menu.drawer.getByTestId("rename-thread").first()).toBeFocused();

  await page.keyboard.press("Escape");
  await menu.expectClosed();
  await expect(menu.button).toBeFocused();

  // Enter on a link inside navigates and closes the drawer.
  await page.keyboard.press("Enter");
  await menu.drawer.getByRole("link", { name: "Settings" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings$/);
  await menu.expectClosed();
});

test("in the desktop sidebar a long title truncates and never sits under its actions", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, "overlap");
  const title =
    "A very long conversation title that could never fit in the sidebar of any reasonable width";
  const chat = new ChatPage(page);
  await chat.send(title);
  await chat.expectAssistantSays(title);
  // A title that long is stored shortened.
  await expect(page.getByTestId("thread-title")).toHaveText(/^A very long conversation title/);
  await expect(page.getByTestId("menu-button")).toBeHidden();

  const item = page.getByTestId("thread-item").first();
  const link = item.getByTestId("thread-link");
  // Truncated with an ellipsis, not wrapped or clipped mid-letter.
  const text = await link.evaluate((element) => ({
    overflowing: element.scrollWidth > element.clientWidth,
    ellipsis: getComputedStyle(element).textOverflow,
    lines: Math.round(
      (element.getBoundingClientRect().height -
        Number.parseFloat(getComputedStyle(element).paddingTop) -
        Number.parseFloat(getComputedStyle(element).paddingBottom)) /
        Number.parseFloat(getComputedStyle(element).lineHeight),
    ),
  }));
  expect(text).toEqual({ overflowing: true, ellipsis: "ellipsis", lines: 1 });

  // A mouse: the actions appear on hover, beside the title.
  await expect(item.getByTestId("rename-thread")).toBeHidden();
  await item.hover();
  const boxes = await Promise.all(
    [link, item.getByTestId("rename-thread"), item.getByTestId("delete-thread")].map((l) =>
      l.boundingBox(),
    ),
  );
  const [linkBox, ...actionBoxes] = boxes.map((box) => {
    if (!box) throw new Error("an element of the thread row has no box");
    return box;
  });
  for (const action of actionBoxes) {
    const intersects =
      linkBox.x < action.x + action.width &&
      action.x < linkBox.x + linkBox.width &&
      linkBox.y < action.y + action.height &&
      action.y < linkBox.y + linkBox.height;
    expect(intersects, "an action overlaps the title").toBe(false);
    expect(action.x).toBeGreaterThanOrEqual(linkBox.x + linkBox.width);
  }
  const itemBox = await item.boundingBox();
  expect(itemBox && actionBoxes.every((a) => a.x + a.width <= itemBox.x + itemBox.width)).toBe(
    true,
  );

  // The keyboard: Tab from the title reaches Rename, then Delete.
  await page.mouse.move(900, 400);
  await link.focus();
  await page.keyboard.press("Tab");
  await expect(item.getByTestId("rename-thread")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(item.getByTestId("delete-thread")).toBeFocused();
  await item.hover();
  await page.screenshot({ path: testInfo.outputPath("sidebar-row-hover-1280-light.png") });
});

test("a thread with a plan card and the Settings page fit a 390 px screen", async ({
  page,
}, testInfo) => {
  // A dozen screenshots on a busy machine.
  test.slow();
  await signUp(page, "phone-plan");
  const chat = new ChatPage(page);
  await chat.send("/plan meeting-prep");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan meeting-prep");
  // Below 640 px the card opens on its list of steps; the graph is one click away.
  await expect(plan.root.getByTestId("plan-list-step-briefing")).toBeVisible();
  await plan.root.getByTestId("plan-view-graph").click();
  await expect(
    plan.root.getByTestId("plan-graph").locator(".react-flow__node").first(),
  ).toBeVisible();

  await expectNoSidewaysOverflow(page, "messages");
  await expectNoSidewaysOverflow(page, "plan-card");
  // The buttons wrap inside the card rather than run off it.
  const card = await plan.root.boundingBox();
  for (const id of ["plan-approve", "plan-edit", "plan-reject"]) {
    const button = await plan.root.getByTestId(id).boundingBox();
    expect(button && card && button.x + button.width <= card.x + card.width).toBe(true);
  }
  // A step's details fit as well.
  await plan.node("briefing").click();
  await expect(plan.details).toBeVisible();
  await expectNoSidewaysOverflow(page, "step-details");
  await expectNoSidewaysOverflow(page, "plan-card");
  await shootAll(page, testInfo, "plan-card", plan.root);
  await page.setViewportSize(phone);
  // The card is taller than a phone: its top (title, trigger) and its foot (the decision).
  await plan.root.getByTestId("plan-title").scrollIntoViewIfNeeded();
  await page.getByTestId("messages").evaluate((element) => element.scrollBy(0, -60));
  await shootPhone(page, testInfo, "plan-card-top");
  await plan.root.getByTestId("plan-approve").scrollIntoViewIfNeeded();
  await shootPhone(page, testInfo, "plan-card-foot");
  await shootAll(page, testInfo, "thread-closed");

  // Settings with a secret and an MCP server listed.
  await page.setViewportSize(phone);
  await new MobileMenu(page).go("Settings");
  await page.getByTestId("secret-name").fill("SLACK_WEBHOOK_FOR_THE_INCIDENT_CHANNEL");
  await page.getByTestId("secret-value").fill("https://hooks.slack.example/T000/B000/XXXX");
  await page.getByTestId("secret-add").click();
  await expect(page.getByTestId("secret-item")).toHaveCount(1);
  await page.getByTestId("mcp-name").fill("calendar");
  await page.getByTestId("mcp-url").fill("https://mcp.calendar.example.com/v1/mcp");
  await page.getByTestId("mcp-add").click();
  await expect(page.getByTestId("mcp-item")).toHaveCount(1);
  await expectNoSidewaysOverflow(page, "secrets-panel");
  await expectNoSidewaysOverflow(page, "mcp-panel");
  await shootAll(page, testInfo, "settings");
});
