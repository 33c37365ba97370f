import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { PlanCard } from "./pages/plan-card";

test("an approved plan runs from its card, streams progress, and leaves its results in the thread", async ({
  page,
}, testInfo) => {
  await new AuthPage(page).register(
    `runner-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    "correct horse battery",
  );
  const chat = new ChatPage(page);
  await chat.send("/plan greeting");
  const card = new PlanCard(page, 1);
  await expect(card.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan greeting");
  // Nothing can run before approval.
  await expect(card.root.getByTestId("run-now")).toHaveCount(0);
  await card.approve();
  await card.expectState("approved");

  await card.root.getByTestId("run-now").click();
  await card.root.getByTestId("run-input-name").fill("Ada");
  await card.root.getByTestId("run-now").click();

  const run = page.getByTestId("run-card").last();
  await expect(run).toBeVisible();
  await expect(run.getByTestId("run-status")).toHaveText("succeeded");
  await expect(run.locator('[data-testid="run-step"][data-step="compose"]')).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await expect(run.locator('[data-testid="run-step"][data-step="post"]')).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  // What the run posted, and its summary, arrive in the conversation without a reload.
  await expect(page.getByText("Hello, Ada! This message came from a workflow run.")).toBeVisible();
  await expect(page.getByText(/Greeting: the run succeeded/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("run-finished.png"), fullPage: true });

  await page.reload();
  await expect(page.getByTestId("run-card").last().getByTestId("run-status")).toHaveText(
    "succeeded",
  );
  await expect(page.getByText("Hello, Ada! This message came from a workflow run.")).toBeVisible();

  await page.goto("/workflows");
  const row = page.getByTestId("workflow-row").filter({ hasText: "Greeting" });
  await expect(row.getByTestId("workflow-last-run")).toContainText("succeeded");
});
