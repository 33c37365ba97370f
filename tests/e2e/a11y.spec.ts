// Accessible to everyone: every page and card passes axe-core with no serious or critical
// violation in light and dark; the core flow works from the keyboard alone with a visible focus
// ring; a run card tells a screen reader what changed, politely and not every second.
import { expect, type Locator, type Page, type TestInfo, test } from "@playwright/test";
import { expectAccessible, expectVisibleFocus, tabTo } from "./pages/a11y";
import { ChatPage } from "./pages/chat-page";
import { approvedPlan, PASSWORD, shootAll, signUp } from "./pages/flows";
import { MobileMenu } from "./pages/mobile-menu";
import { PlanCard } from "./pages/plan-card";
import { RunCard } from "./pages/run-card";

test("the sign-in and registration pages pass the accessibility audit", async ({
  page,
}, testInfo) => {
  await page.goto("/login");
  await expect(page.getByTestId("auth-submit")).toBeVisible();
  await expectAccessible(page, testInfo, "login");
  // A failed sign-in shows its error, which is audited too.
  await page.getByTestId("email").fill("nobody@example.com");
  await page.getByTestId("password").fill(PASSWORD);
  await page.getByTestId("auth-submit").click();
  await expect(page.getByTestId("auth-error")).toBeVisible();
  await expectAccessible(page, testInfo, "login-error");
  await shootAll(page, testInfo, "a11y-login-error");
  await page.goto("/register");
  await expect(page.getByTestId("auth-submit")).toBeVisible();
  await expectAccessible(page, testInfo, "register");
});

test("the chat with a plan card and a run card, the workflow pages and Settings pass the accessibility audit", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "a11y");
  await expect(page.getByTestId("composer-input")).toBeVisible();
  await expectAccessible(page, testInfo, "new-chat");

  // A draft plan card, a step's details open.
  await new ChatPage(page).send("/plan approval-link");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan approval-link");
  await plan.node("ask").click();
  await expect(plan.details).toBeVisible();
  await expectAccessible(page, testInfo, "chat-draft-plan");

  await plan.approve();
  await plan.expectState("approved");
  await plan.root.getByTestId("run-now").click();
  const run = new RunCard(page);
  await expect(run.status).toHaveText("waiting");
  await run.toggleStep("ask");
  await run.toggleLog();
  await expect(run.log).toContainText("ask waiting");
  await expectAccessible(page, testInfo, "chat-waiting-run");
  await shootAll(page, testInfo, "a11y-chat-waiting-run", run.root);

  // The phone's layout: the steps as a list, the top bar.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(plan.root.getByTestId("plan-view-list")).toHaveAttribute("aria-pressed", "true");
  await expectAccessible(page, testInfo, "chat-phone");
  await new MobileMenu(page).open();
  await expectAccessible(page, testInfo, "chat-phone-menu");
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1280, height: 800 });

  await run.approveButton.click();
  await expect(run.status).toHaveText("succeeded");
  await run.root.getByTestId("run-tab-waterfall").click();
  await expectAccessible(page, testInfo, "chat-finished-run-waterfall");
  await run.root.getByTestId("run-tab-graph").click();
  await expectAccessible(page, testInfo, "chat-finished-run-graph");

  await page.goto("/workflows");
  await expect(page.getByTestId("workflow-row")).toHaveCount(1);
  await expect(page.getByTestId("workflow-last-run")).toContainText("succeeded");
  await expectAccessible(page, testInfo, "workflows");
  await shootAll(page, testInfo, "a11y-workflows");

  await page.getByTestId("workflow-link").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Release approval");
  await expect(page.getByTestId("history-table")).toBeVisible();
  await expectAccessible(page, testInfo, "workflow");
  await shootAll(page, testInfo, "a11y-workflow");

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expectAccessible(page, testInfo, "settings");
  await shootAll(page, testInfo, "a11y-settings");

  await page.goto("/templates");
  await expectAccessible(page, testInfo, "templates");
});

test("the core flow works from the keyboard alone, with a visible focus ring in light and dark", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, "keys");
  const composer = page.getByTestId("composer-input");
  // A new chat starts in its composer.
  await expect(composer).toBeFocused();
  // The new chat's page gives way to the thread's page after the reply, whose composer takes
  // focus as it mounts: wait for that one before moving focus anywhere else.
  await composer.evaluate((element) => element.setAttribute("data-first", ""));
  await page.keyboard.type("/plan approval-link");
  await page.keyboard.press("Enter");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan approval-link");
  await expect(page.locator('[data-testid="composer-input"]:not([data-first])')).toBeFocused();

  // Back from the composer into the plan card's graph, to a step: Enter shows its details.
  const node = plan.root.getByTestId("rf__node-ask");
  await tabTo(page, node, { backward: true });
  await expectVisibleFocus(page);
  await shootFocus(page, testInfo, "focus-graph-node", plan.root);
  await page.keyboard.press("Enter");
  await expect(plan.details).toBeVisible();
  await expect(plan.details).toContainText("Approve the release");
  await expect(node).toBeFocused();
  // Escape closes the details and leaves focus on the step.
  await page.keyboard.press("Escape");
  await expect(plan.details).toHaveCount(0);
  await expect(node).toBeFocused();
  await page.keyboard.press("Space");
  await expect(plan.details).toBeVisible();

  // On to Approve; approving moves focus to Run now, which takes its place.
  const approve = plan.root.getByTestId("plan-approve");
  await tabTo(page, approve);
  await expectVisibleFocus(page);
  await shootFocus(page, testInfo, "focus-approve", plan.root);
  await page.keyboard.press("Enter");
  await plan.expectState("approved");
  const runNow = plan.root.getByTestId("run-now");
  await expect(runNow).toBeFocused();
  await expectVisibleFocus(page);

  // Run: the run's card follows in the thread, and Tab goes on into it.
  await page.keyboard.press("Enter");
  const run = new RunCard(page);
  await expect(run.status).toHaveText("waiting");
  await expect(run.approveButton).toBeVisible();
  await tabTo(page, run.cancelButton);
  await expectVisibleFocus(page);

  // The log, from its toggle.
  const logToggle = run.root.getByRole("button", { name: /^(Log|Hide log)$/ });
  await tabTo(page, logToggle);
  await page.keyboard.press("Enter");
  await expect(run.log).toContainText("ask waiting");
  await expect(logToggle).toBeFocused();
  await expect(logToggle).toHaveAttribute("aria-expanded", "true");

  // A step of the run opens with Enter.
  const stepToggle = run.step("ask").getByRole("button").first();
  await tabTo(page, stepToggle);
  await expectVisibleFocus(page);
  await page.keyboard.press("Enter");
  await expect(stepToggle).toHaveAttribute("aria-expanded", "true");
  await expect(run.step("ask")).toContainText("Input");
  await shootFocus(page, testInfo, "focus-run-step", run.root);

  // Cancel: the card says so, and focus lands on what replaced the button, not on the page.
  await tabTo(page, run.cancelButton, { backward: true });
  await expectVisibleFocus(page);
  await shootFocus(page, testInfo, "focus-cancel", run.root);
  await page.keyboard.press("Enter");
  await expect(run.status).toHaveText("cancelled");
  await expect(run.cancelButton).toHaveCount(0);
  await expect(run.root.getByTestId("rerun-primary")).toBeFocused();
  await expectVisibleFocus(page);

  // The focus ring is as visible in dark as in light.
  await page.emulateMedia({ colorScheme: "dark" });
  await expectVisibleFocus(page);
  await page.emulateMedia({ colorScheme: "light" });
  await shootFocus(page, testInfo, "focus-rerun", run.root);

  // On a phone the plan's steps are a list: its rows take focus the same way.
  await page.setViewportSize({ width: 390, height: 844 });
  const row = plan.root.getByTestId("plan-list-step-ask").getByRole("button");
  await tabTo(page, row, { backward: true, limit: 80 });
  await expectVisibleFocus(page);
  await shootFocus(page, testInfo, "focus-list-step", plan.root);
  await tabTo(page, runNow);
  await expectVisibleFocus(page);
  await shootFocus(page, testInfo, "focus-run-now", plan.root);
});

/** The focused element and its card, light and dark, at the current size. */
async function shootFocus(page: Page, testInfo: TestInfo, name: string, subject: Locator) {
  const width = page.viewportSize()?.width;
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(() =>
      (document.activeElement as HTMLElement | null)?.scrollIntoView({ block: "center" }),
    );
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}-${colorScheme}.png`) });
    await subject.screenshot({
      path: testInfo.outputPath(`${name}-${width}-${colorScheme}-card.png`),
    });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("a run card announces what changed politely, without its timers", async ({ page }) => {
  await signUp(page, "live");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const run = new RunCard(page);
  const live = run.root.getByTestId("run-live");
  await expect(live).toHaveAttribute("aria-live", "polite");
  await expect(run.status).toHaveText("waiting");
  await expect(live).toContainText("Step 2 of 3 waiting for an approval: Approve the release.");

  // The elapsed time ticks in the header; the live region does not repeat it.
  const elapsed = run.root.getByTestId("run-elapsed");
  const before = await elapsed.textContent();
  const said = await live.textContent();
  await expect(elapsed).not.toHaveText(before ?? "");
  await expect(live).toHaveText(said ?? "");
  await expect(live.getByTestId("run-elapsed")).toHaveCount(0);
  await expect(live.locator(".tabular-nums")).toHaveCount(0);

  // Answered from the keyboard: the buttons go, and the focus they had moves to the card.
  await run.approveButton.focus();
  await page.keyboard.press("Enter");
  await expect(run.status).toHaveText("succeeded");
  await expect(run.approveButton).toHaveCount(0);
  await expect(run.root).toBeFocused();
  await expect(live).toContainText("Run succeeded.");
  await expect(live).toContainText("Step 2 of 3 done: Approve the release.");
  await expect(live).toContainText("Step 3 of 3 done: announce.");
  // Said once: the sentences are not repeated as the run's view updates.
  await expect(live.locator("p", { hasText: "Run succeeded." })).toHaveCount(1);
});
