// Steps most specs begin with, and the screenshot matrix every UI change is looked at in.
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { AuthPage } from "./auth-page";
import { ChatPage } from "./chat-page";
import { PlanCard } from "./plan-card";

export const PASSWORD = "correct horse battery";

/** A fresh account (its email starts with `prefix`), signed in. */
export async function signUp(page: Page, prefix: string) {
  const email = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  await new AuthPage(page).register(email, PASSWORD);
  return email;
}

/** Asks the fake model for a fixture plan in a new chat, waits for its card, approves it. */
export async function approvedPlan(page: Page, fixture: string) {
  await new ChatPage(page).send(`/plan ${fixture}`);
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  // The new chat's page has become the thread's page (its title shows): the card is settled.
  await expect(page.getByTestId("thread-title")).toHaveText(`/plan ${fixture}`);
  await plan.approve();
  await plan.expectState("approved");
  return plan;
}

/**
 * Scrolls `subject` into view. A thread renders its cards anew when a reply ends or a run's card
 * comes in (their state survives it), and Playwright gives up on an element that goes away in the
 * middle of scrolling rather than finding it again: so find it again, a few times.
 */
async function scrollIntoView(subject: Locator) {
  for (let attempt = 1; ; attempt++) {
    try {
      await subject.scrollIntoViewIfNeeded();
      return;
    } catch (error) {
      if (attempt >= 5 || !String(error).includes("not attached to the DOM")) throw error;
    }
  }
}

/**
 * Screenshots at desktop and phone sizes, light and dark (`<name>-<width>-<scheme>.png` in the
 * test's output), then back to desktop light. A `subject` is scrolled into view first, and with
 * `alsoSubject` saved on its own too (`…-card.png`).
 */
export async function shootAll(
  page: Page,
  testInfo: TestInfo,
  name: string,
  subject?: Locator,
  { alsoSubject = false }: { alsoSubject?: boolean } = {},
) {
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      if (subject) await scrollIntoView(subject);
      const file = `${name}-${width}-${colorScheme}`;
      await page.screenshot({ path: testInfo.outputPath(`${file}.png`) });
      if (subject && alsoSubject) {
        await subject.screenshot({ path: testInfo.outputPath(`${file}-card.png`) });
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
}
