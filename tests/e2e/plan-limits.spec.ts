// A plan with limits says them on its card, in words: "at most one run at a time; a repeated
// delivery with the same id is ignored". Screenshots at 1280×800 and 390×844, light and dark,
// under tests/e2e/screenshots/plan-limits/.
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { PlanCard } from "./pages/plan-card";

test("a plan's limits and idempotency key read as words on its card", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "limits");
  await new ChatPage(page).send("/plan order-sync");
  const card = new PlanCard(page, 1);
  await expect(card.root).toBeVisible();
  // The new chat's page gives way to the thread's page after the reply, which mounts the card
  // again: wait for that page before holding on to the card's elements.
  await expect(page.getByTestId("thread-title")).toHaveText("/plan order-sync");
  const limits = card.root.getByTestId("plan-limits");
  await expect(limits).toHaveText(
    "Limits: at most one run at a time (one that would start meanwhile is skipped); a run taking longer than 10 min fails; a repeated delivery with the same id is ignored (24 hours)",
  );
  // The card from its title: the trigger, then its limits, in one view.
  await card.root.getByTestId("plan-title").scrollIntoViewIfNeeded();
  await shootAll(page, testInfo, "plan-limits", card.root.getByTestId("plan-title"));
});
