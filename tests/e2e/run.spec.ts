import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { PlanCard } from "./pages/plan-card";
import { countRunReads, RunCard } from "./pages/run-card";

/** Whole-run reads per run: the card reads its run once and then follows the live stream. */
function expectFewRunReads(reads: Map<string, number>, testInfo: TestInfo) {
  const counts = Object.fromEntries(reads);
  testInfo.annotations.push({ type: "GET /api/runs/:id", description: JSON.stringify(counts) });
  console.log(`[${testInfo.title}] GET /api/runs/:id per run:`, counts);
  for (const count of reads.values()) expect(count).toBeLessThanOrEqual(2);
}

/** The card at desktop and phone sizes, light and dark (with the card on its own). */
function shootCard(page: Page, card: RunCard, testInfo: TestInfo, name: string) {
  return shootAll(page, testInfo, name, card.root, { alsoSubject: true });
}

test("an approved plan runs from its card, streams progress, and leaves its results in the thread", async ({
  page,
}, testInfo) => {
  await signUp(page, "runner");
  const chat = new ChatPage(page);
  await chat.send("/plan greeting");
  const card = new PlanCard(page, 1);
  await expect(card.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan greeting");
  // Nothing can run before approval.
  await expect(card.root.getByTestId("run-now")).toHaveCount(0);
  await card.approve();
  await card.expectState("approved");

  const reads = countRunReads(page);
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
  expectFewRunReads(reads, testInfo);

  await page.reload();
  await expect(page.getByTestId("run-card").last().getByTestId("run-status")).toHaveText(
    "succeeded",
  );
  await expect(page.getByText("Hello, Ada! This message came from a workflow run.")).toBeVisible();

  await page.goto("/workflows");
  const row = page.getByTestId("workflow-row").filter({ hasText: "Greeting" });
  await expect(row.getByTestId("workflow-last-run")).toContainText("succeeded");
});

test("a run card asks for an approval, takes the answer and follows the run live without reading it again per event", async ({
  page,
}, testInfo) => {
  await signUp(page, "card");
  const plan = await approvedPlan(page, "approval-link");
  const reads = countRunReads(page);
  await plan.root.getByTestId("run-now").click();

  const card = new RunCard(page);
  await expect(card.status).toHaveText("waiting");
  await card.expectStep("share", "succeeded");
  await card.expectStep("ask", "waiting");
  await expect(card.root).toContainText("Ship version 2.4 to every customer today?");
  await expect(card.approveButton).toBeVisible();
  await expect(card.declineButton).toBeVisible();
  await expect(card.cancelButton).toBeVisible();
  await card.toggleStep("ask");
  await expect(card.step("ask")).toContainText("Input");
  await card.toggleLog();
  await expect(card.log).toContainText("ask waiting");
  await shootCard(page, card, testInfo, "run-card-waiting");

  await card.approveButton.click();
  await expect(card.status).toHaveText("succeeded");
  await card.expectStep("ask", "succeeded");
  await card.expectStep("announce", "succeeded");
  await expect(card.approveButton).toHaveCount(0);
  await expect(card.cancelButton).toHaveCount(0);
  await expect(card.log).toContainText("Run succeeded");
  await expect(page.getByText(/Release approved by [0-9a-f-]{36}\./)).toBeVisible();
  await card.toggleStep("ask");
  await card.toggleStep("announce");
  await shootCard(page, card, testInfo, "run-card-succeeded");
  expectFewRunReads(reads, testInfo);
});

test("a run card declines and cancels", async ({ page }, testInfo) => {
  await signUp(page, "cancel");
  const plan = await approvedPlan(page, "approval-link");
  const reads = countRunReads(page);

  await plan.root.getByTestId("run-now").click();
  const declined = new RunCard(page, page.getByTestId("run-card").nth(0));
  await expect(declined.status).toHaveText("waiting");
  await declined.declineButton.click();
  await expect(declined.status).toHaveText("succeeded");
  await declined.expectStep("ask", "succeeded");
  await declined.expectStep("announce", "skipped");

  await plan.root.getByTestId("run-now").click();
  await expect(page.getByTestId("run-card")).toHaveCount(2);
  const cancelled = new RunCard(page, page.getByTestId("run-card").nth(1));
  await expect(cancelled.status).toHaveText("waiting");
  await cancelled.cancelButton.click();
  await expect(cancelled.status).toHaveText("cancelled");
  // The wait the cancel cut short, and the step it never reached.
  await cancelled.expectStep("ask", "cancelled");
  await cancelled.expectStep("announce", "not-run");
  await expect(cancelled.step("announce").getByTestId("run-step-state")).toHaveText("not run");
  await expect(cancelled.cancelButton).toHaveCount(0);
  await expect(cancelled.approveButton).toHaveCount(0);
  await expect(page.getByText(/Release approval: the run was cancelled/)).toBeVisible();
  await shootCard(page, cancelled, testInfo, "run-card-cancelled");
  expectFewRunReads(reads, testInfo);
});

test("a run with many events spread over seconds is read once, then followed live", async ({
  page,
}, testInfo) => {
  await signUp(page, "paced");
  const plan = await approvedPlan(page, "paced-steps");
  const reads = countRunReads(page);
  await plan.root.getByTestId("run-now").click();
  const card = new RunCard(page);
  await expect(card.status).toHaveText(/running|waiting/);
  await expect(card.status).toHaveText("succeeded", { timeout: 30_000 });
  for (const step of ["first", "pause1", "second", "pause2", "third", "pause3", "fourth", "note"]) {
    await card.expectStep(step, "succeeded");
  }
  await expect(page.getByText("Paced steps are done.")).toBeVisible();
  await card.toggleLog();
  await expect(card.log.locator("li")).not.toHaveCount(0);
  const events = await card.log.locator("li").count();
  testInfo.annotations.push({ type: "run events", description: String(events) });
  console.log(`[${testInfo.title}] run events in the log: ${events}`);
  expectFewRunReads(reads, testInfo);
});
