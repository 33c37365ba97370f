// Chat polish around plans: a repair attempt's box ends in words ("fixed in attempt 2", or not
// fixed) also after a reload, and rejecting an edited version falls back, stated on the card.
// Screenshots at 1280×800 and 390×844, light and dark, under tests/e2e/screenshots/plan-polish/.
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { PlanCard } from "./pages/plan-card";

test("a repair attempt's box ends as fixed or not fixed, after a reload too", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "repair");
  const chat = new ChatPage(page);

  // The fake model's first call is not JSON; its second is the plan, saved.
  await chat.send("/garbled weather-report");
  const notice = page.getByTestId("plan-tool-error");
  await expect(new PlanCard(page, 1).root).toBeVisible();
  await expect(notice).toHaveAttribute("data-outcome", "fixed");
  await expect(notice).toContainText(
    "could not be read and was not saved; fixed in attempt 2 (version 1).",
  );
  await expect(page.getByTestId("thread-title")).toHaveText("/garbled weather-report");
  await page.reload();
  await expect(notice).toContainText(
    "could not be read and was not saved; fixed in attempt 2 (version 1).",
  );
  await expect(page.getByText("fixing them")).toHaveCount(0);
  await shootAll(page, testInfo, "repair-fixed", notice);

  // A plan the model never repairs: every attempt's box says it was not fixed.
  await page.getByTestId("new-chat").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await chat.send("/plan invalid/cycle");
  await expect(page.getByTestId("plan-refused")).toBeVisible();
  const attempts = page.getByTestId("plan-invalid");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.first()).toContainText(
    "Attempt 1 of 3 had errors and was not saved; the errors were not fixed within 3 attempts.",
  );
  await expect(page.getByTestId("thread-title")).toHaveText("/plan invalid/cycle");
  await page.reload();
  await expect(attempts.nth(1)).toHaveAttribute("data-outcome", "refused");
  await expect(page.getByText("fixing them")).toHaveCount(0);
  await shootAll(page, testInfo, "repair-refused", attempts.first());
});

test("rejecting an edited version falls back to the version before it, stated on the cards", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "reject");
  const chat = new ChatPage(page);
  await chat.send("/plan greeting");
  const v1 = new PlanCard(page, 1);
  await expect(v1.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan greeting");

  await v1.edit();
  await v1.editJson("This message came from a workflow run.", "Have a good day.");
  await expect(v1.root.getByTestId("plan-editor-ok")).toHaveText("The plan is valid.");
  await v1.root.getByTestId("plan-editor-save").click();
  const v2 = new PlanCard(page, 2);
  await expect(v2.root).toBeVisible();
  await v1.expectState("superseded");

  await v2.reject();
  await v2.expectState("rejected");
  await expect(v2.root.getByTestId("plan-fallback")).toContainText(
    "Version 1 is a draft again: approve it, or edit this one.",
  );
  await v1.expectState("draft");
  await expect(v1.root.getByTestId("plan-state-line")).toContainText(
    "Version 2 was rejected, so this version is a draft again.",
  );
  await page.reload();
  await v1.expectState("draft");
  await expect(v2.root.getByTestId("plan-fallback")).toContainText("Version 1 is a draft again");
  await shootAll(page, testInfo, "reject-draft-again", v2.root.getByTestId("plan-fallback"));
  // "Show version 1" takes the reader to the card they can approve.
  await v2.root.getByTestId("plan-fallback-show").click();
  await expect(v1.root).toBeFocused();
  await expect(v1.root).toBeInViewport();

  // Approve version 1, then reject an edit of it: version 1 keeps running.
  await v1.approve();
  await v1.expectState("approved");
  await v2.edit();
  await v2.editJson("Have a good day.", "See you soon.");
  await expect(v2.root.getByTestId("plan-editor-ok")).toHaveText("The plan is valid.");
  await v2.root.getByTestId("plan-editor-save").click();
  const v3 = new PlanCard(page, 3);
  await expect(v3.root).toBeVisible();
  await v3.reject();
  await v3.expectState("rejected");
  await expect(v3.root.getByTestId("plan-fallback")).toContainText(
    "Version 1, the approved one, keeps running.",
  );
  await v1.expectState("approved");
  await shootAll(page, testInfo, "reject-keeps-approved", v3.root.getByTestId("plan-fallback"));
});
