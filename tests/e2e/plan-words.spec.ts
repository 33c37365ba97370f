// A 15-step plan on its card: every condition, otherwise branch and loop in words (the
// expression behind a disclosure), a graph that scrolls rather than shrinks, and a list of
// the steps on a phone. Screenshots are kept under tests/e2e/screenshots/plan-card/.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { PlanCard } from "./pages/plan-card";

const SHOTS = path.join(import.meta.dirname, "screenshots", "plan-card");

test("a large plan's conditions read as sentences, on desktop and at 390 px", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "words");
  await new ChatPage(page).send("/plan lead-routing");
  const card = new PlanCard(page, 1);
  await expect(card.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan lead-routing");

  // Desktop: the graph at a readable zoom, every decision in words under it.
  const graph = card.root.getByTestId("plan-graph");
  await expect(card.node("large")).toBeVisible();
  expect(Number(await graph.getAttribute("data-scale"))).toBeGreaterThanOrEqual(0.9);
  const decisions = card.root.getByTestId("plan-decisions");
  await expect(decisions.getByTestId("plan-decision-large")).toContainText(
    "Only if the number of employees from “Look up the company by its domain” is greater than 50",
  );
  await expect(decisions.getByTestId("plan-decision-nurture")).toContainText(
    "Instead of “Tell sales about a company with more than fifty people”, only if the number of employees from “Look up the company by its domain” is at most 50",
  );
  await expect(decisions.getByTestId("plan-decision-customer")).toContainText(
    'Only if at least one contact from “Find earlier contacts at the same company” has status "customer"',
  );
  await expect(decisions.getByTestId("plan-decision-deals")).toContainText(
    'For each deal from “Find earlier contacts at the same company” that has stage "negotiation" (at most 10)',
  );
  // The expression as written is one click away, not in the way.
  const expression = decisions.getByTestId("plan-decision-large").locator("code");
  await expect(expression).toBeHidden();
  await decisions.getByTestId("plan-decision-large").getByText("Expression").click();
  await expect(expression).toHaveText("steps.enrich.output.body.employees > 50");
  await expect(card.root.getByText("otherwise", { exact: true }).first()).toBeVisible();

  // Step details say the same, plus what each input uses.
  await card.node("welcome").click();
  await expect(card.details.getByTestId("step-uses")).toContainText(
    "Hi [the name of the request body], thanks for signing up.",
  );
  await card.node("noCall").click();
  await expect(card.details.getByTestId("step-otherwise")).toContainText(
    "Instead of “Book an intro call in the calendar”, only if “Ask me before an intro call is booked” does not say approved",
  );
  // The top of the card (graph on a desktop, list on a phone), then the decisions in words.
  await shootAll(page, testInfo, "plan-words-top", card.root.getByTestId("plan-title"));
  await card.root.getByTestId("plan-decisions").scrollIntoViewIfNeeded();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: testInfo.outputPath(`plan-words-decisions-1280-${colorScheme}.png`),
    });
  }
  await page.emulateMedia({ colorScheme: "light" });

  // A phone: the steps as a list, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const list = card.root.getByTestId("plan-step-list");
  await expect(list).toBeVisible();
  await expect(list.locator("li")).toHaveCount(16);
  await expect(card.root.getByTestId("plan-list-step-large")).toContainText(
    "Only if the number of employees from “Look up the company by its domain” is greater than 50",
  );
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await card.root.getByTestId("plan-list-step-large").getByRole("button").first().click();
  await expect(card.details).toContainText(
    "Tell sales about a company with more than fifty people",
  );
  await card.root.getByTestId("plan-list-step-large").scrollIntoViewIfNeeded();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: testInfo.outputPath(`plan-words-list-390-${colorScheme}.png`) });
  }
  // The person may still pick the graph on a phone: it scrolls instead of shrinking.
  await card.root.getByTestId("plan-view-graph").click();
  await expect(graph).toBeVisible();
  expect(Number(await graph.getAttribute("data-scale"))).toBeGreaterThanOrEqual(0.9);
  await graph.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("plan-words-graph-390-dark.png") });

  mkdirSync(SHOTS, { recursive: true });
  for (const file of readdirSync(testInfo.outputPath())) {
    if (file.startsWith("plan-words-") && file.endsWith(".png")) {
      copyFileSync(testInfo.outputPath(file), path.join(SHOTS, file));
    }
  }
});
