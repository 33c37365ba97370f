// Re-running a failed run from its card: "Re-run from failed step" opens the preview (the steps
// that reuse the earlier output, the ones that run again, what that repeats outside the run),
// confirming starts a new run whose card comes into the thread live, and the two cards link to
// each other ("Re-run of …" / "Re-run as …"), on a reload and on the run's own page too.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page, type TestInfo, test } from "@playwright/test";
import { type HttpTarget, startHttpTarget } from "../fixtures/http-target";
import { ChatPage } from "./pages/chat-page";
import { ConfirmCard } from "./pages/confirm-card";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

// The port playwright.config.ts allows besides 9 (HTTP_ALLOWLIST).
const TARGET_PORT = Number(
  process.env.E2E_TARGET_PORT ?? Number(process.env.E2E_MODEL_PORT ?? 4100) + 500,
);
const SHOTS = path.join(import.meta.dirname, "screenshots", "rerun");

test.use({ timezoneId: "Europe/Paris" });

let target: HttpTarget;
test.beforeAll(async () => {
  target = await startHttpTarget({ port: TARGET_PORT });
});
test.afterAll(async () => {
  await target?.close();
});

/**
 * The screenshot matrix of `subject` (with the subject alone too when it is taller than a phone's
 * screen), also kept under tests/e2e/screenshots/rerun/.
 */
async function shoot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  subject: Locator,
  alsoSubject = false,
) {
  await shootAll(page, testInfo, name, subject, { alsoSubject });
  mkdirSync(SHOTS, { recursive: true });
  for (const file of readdirSync(testInfo.outputPath())) {
    if (file.startsWith(`${name}-`) && file.endsWith(".png")) {
      copyFileSync(testInfo.outputPath(file), path.join(SHOTS, file));
    }
  }
}

const fates = (panel: Locator) =>
  panel
    .getByTestId("rerun-step")
    .evaluateAll((rows) =>
      rows.map((row) => [row.getAttribute("data-step"), row.getAttribute("data-fate")]),
    );

test("a failed run is re-run from its failed step after a preview, and the two cards link to each other", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  target.failing.add("digest");
  await signUp(page, "rerun");
  const plan = await approvedPlan(page, "rerun-digest");
  await plan.root.getByTestId("run-now").click();
  await plan.root
    .getByTestId("run-input-endpoint")
    .fill(`http://127.0.0.1:${TARGET_PORT}/switch/digest`);
  await plan.root.getByTestId("run-now").click();

  // The endpoint answers 500: the run fails at "Publish the digest".
  const first = new RunCard(page, page.getByTestId("run-card").first());
  await expect(first.status).toHaveText("failed", { timeout: 30_000 });
  await first.expectStep("publish", "failed");
  await first.expectStep("announce", "skipped");
  expect(target.hits("/switch/digest")).toBe(1);

  // The menu: keyboard only, Escape gives focus back.
  const menuButton = first.root.getByTestId("rerun-menu-button");
  await menuButton.focus();
  await page.keyboard.press("ArrowDown");
  const menu = first.root.getByTestId("rerun-menu");
  await expect(menu).toBeVisible();
  await expect(first.root.getByTestId("rerun-menu-start")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(first.root.getByTestId("rerun-menu-pick")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(menuButton).toBeFocused();

  // The preview: what is reused, what runs again, and what that repeats outside the run.
  const primary = first.root.getByTestId("rerun-primary");
  await expect(primary).toHaveText("Re-run from failed step");
  await primary.click();
  const panel = first.root.getByTestId("rerun-panel");
  await expect(panel.getByTestId("rerun-step")).toHaveCount(4);
  expect(await fates(panel)).toEqual([
    ["gather", "reused"],
    ["summarise", "reused"],
    ["publish", "runs"],
    ["announce", "runs"],
  ]);
  const step = (id: string) => panel.locator(`[data-testid="rerun-step"][data-step="${id}"]`);
  await expect(step("gather")).toContainText("uses the output of the earlier run");
  await expect(step("publish").getByTestId("rerun-side-effect")).toHaveText(
    "sends the POST request again",
  );
  await expect(step("announce").getByTestId("rerun-side-effect")).toHaveText(
    "posts in the chat again",
  );
  await expect(step("gather").getByTestId("rerun-side-effect")).toHaveCount(0);
  await expect(panel.getByTestId("rerun-effects")).toContainText(
    "2 steps do something outside the run again",
  );
  await expect(panel.getByTestId("rerun-summary")).toHaveText("2 steps run again, 2 reused");
  await expect(panel.getByTestId("rerun-payload")).toContainText(`/switch/digest`);
  await expect(panel.getByTestId("rerun-from")).toHaveValue("failed");

  // The latest approved version is this run's own: nothing differs.
  const version = panel.getByTestId("rerun-version");
  await version.getByText("Latest approved").click();
  await expect(panel.getByTestId("rerun-same-version")).toContainText("nothing differs");
  await version.getByText("This run's").click();
  await expect(panel.getByTestId("rerun-same-version")).toHaveCount(0);

  // Starting from the start instead: every step runs again; back to the failed step.
  await panel.getByTestId("rerun-from").selectOption("start");
  await expect(panel.getByTestId("rerun-summary")).toHaveText("All 4 steps run again");
  await panel.getByTestId("rerun-from").selectOption("failed");
  await expect(panel.getByTestId("rerun-summary")).toHaveText("2 steps run again, 2 reused");

  // Inputs that are not JSON are caught before anything is asked.
  await panel.getByTestId("rerun-edit-inputs").click();
  await panel.getByTestId("rerun-inputs-editor").fill("{ endpoint: ");
  await panel.getByTestId("rerun-inputs-apply").click();
  await expect(panel).toContainText("This is not JSON");
  await expect(panel.getByTestId("rerun-confirm")).toBeDisabled();
  await panel.getByRole("button", { name: "Discard the edit" }).click();
  await expect(panel.getByTestId("rerun-confirm")).toBeEnabled();

  await shoot(page, testInfo, "rerun-preview", panel, true);

  // Escape closes the preview and gives focus back to the button.
  await panel.getByTestId("rerun-from").focus();
  await page.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  await expect(primary).toBeFocused();

  // Confirm: the endpoint answers now; the new run's card comes into the thread live.
  target.failing.delete("digest");
  await primary.click();
  await expect(panel.getByTestId("rerun-summary")).toHaveText("2 steps run again, 2 reused");
  await panel.getByTestId("rerun-confirm").click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId("run-card")).toHaveCount(2);
  const second = new RunCard(page, page.getByTestId("run-card").last());
  await expect(second.status).toHaveText("succeeded", { timeout: 30_000 });
  expect(target.hits("/switch/digest")).toBe(2);

  // Linked both ways; reused steps say so, quietly.
  const rerunId = await first.root
    .getByTestId("rerun-as")
    .getByTestId("rerun-link")
    .getAttribute("data-run");
  await expect(second.root.getByTestId("rerun-of")).toContainText("Re-run of the run at");
  await expect(second.root.getByTestId("rerun-of")).toContainText("reuses 2 outputs");
  await expect(second.root.getByTestId("rerun-of").getByTestId("rerun-link-status")).toHaveText(
    "failed",
  );
  await expect(first.root.getByTestId("rerun-as")).toContainText("Re-run as the run at");
  await expect(first.root.getByTestId("rerun-as").getByTestId("rerun-link-status")).toHaveText(
    "succeeded",
  );
  for (const id of ["gather", "summarise"]) {
    await expect(second.step(id).getByTestId("run-step-state")).toHaveText("reused");
    await expect(second.step(id).getByTestId("run-step-detail")).toContainText(
      "uses the output of the run at",
    );
  }
  await second.expectStep("publish", "succeeded");
  await expect(second.step("publish").getByTestId("run-step-state")).toHaveText("succeeded");
  await expect(page.getByText("Digest published: 2 incidents yesterday.")).toHaveCount(1);
  await shoot(page, testInfo, "rerun-linked-new", second.root);
  await shoot(page, testInfo, "rerun-linked-old", first.root);

  // "Re-run of" leads to the old card in the thread.
  await second.root.getByTestId("rerun-of").getByRole("link").click();
  await expect(first.root).toBeInViewport();

  // A reload keeps the links, read from the server this time.
  await page.reload();
  const reloadedOld = new RunCard(page, page.getByTestId("run-card").first());
  await expect(reloadedOld.root.getByTestId("rerun-as")).toContainText("Re-run as the run at");
  const newId = (await reloadedOld.root
    .getByTestId("rerun-as")
    .getByTestId("rerun-link")
    .getAttribute("data-run")) as string;
  expect(newId).toMatch(/^[0-9a-f-]{36}$/);
  expect(rerunId).toBe(newId);

  // From the chat: the model's call waits on a card showing the same preview; denying it
  // starts nothing. (The fake model calls whatever a message tells it to.)
  const sourceId = await page
    .getByTestId("run-card")
    .last()
    .getByTestId("rerun-of")
    .getByTestId("rerun-link")
    .getAttribute("data-run");
  await new ChatPage(page).send(`call rerunRun with inputs {"runId":"${sourceId}"}`);
  const confirm = new ConfirmCard(page);
  await confirm.expectState("waiting");
  await expect(confirm.title).toContainText("Re-run Daily digest (the run at");
  await expect(confirm.title).toContainText("from “Publish the digest”");
  expect(await fates(confirm.root)).toEqual([
    ["gather", "reused"],
    ["summarise", "reused"],
    ["publish", "runs"],
    ["announce", "runs"],
  ]);
  await expect(confirm.root.getByTestId("rerun-side-effect")).toHaveText([
    "sends the POST request again",
    "posts in the chat again",
  ]);
  await expect(confirm.root.getByTestId("confirm-reason")).toContainText("check what runs again");
  await shoot(page, testInfo, "rerun-chat-card", confirm.root, true);
  await confirm.denyButton.click();
  await confirm.expectState("declined");
  await expect(confirm.outcome).toHaveText("You declined: nothing was re-run.");
  await expect(page.getByTestId("run-card")).toHaveCount(2);

  // The re-run's own page says where it came from.
  const href = (await reloadedOld.root
    .getByTestId("rerun-as")
    .getByRole("link")
    .getAttribute("href")) as string;
  await page.goto(href);
  const onPage = new RunCard(page);
  await expect(onPage.root.getByTestId("rerun-of")).toContainText("Re-run of the run at");
  await expect(onPage.step("gather").getByTestId("run-step-state")).toHaveText("reused");

  // The workflow's history says which runs are re-runs (each under its source's trigger).
  await onPage.root.getByTestId("run-workflow-link").click();
  const rerunRow = page.locator(`[data-testid="history-row"][data-run="${newId}"]`);
  await expect(rerunRow.getByTestId("history-trigger")).toHaveText(/^(manual|chat)$/);
  await expect(rerunRow.getByTestId("history-rerun")).toHaveText("· re-run");
  const sourceRow = page.locator(`[data-testid="history-row"][data-run="${sourceId}"]`);
  await expect(sourceRow.getByTestId("history-rerun")).toHaveCount(0);
  await shoot(page, testInfo, "rerun-history", page.getByTestId("history"));
});
