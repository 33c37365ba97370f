// Recovering from failures on the workflow page, in a browser: Pause shows the paused banner
// there and on the plan card in the thread, and the webhook answers 409 until Resume; "Re-run
// failed runs…" counts first (a dry run), then one progress bar runs to the end and the
// re-runs join the run history; an approval answered by chat confirms on a card. Every control
// is reached and worked with the keyboard. Screenshots at desktop and phone sizes, light and
// dark, kept under tests/e2e/screenshots/recovery/.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  type APIRequestContext,
  expect,
  type Locator,
  type Page,
  type TestInfo,
  test,
} from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { ConfirmCard } from "./pages/confirm-card";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

// The person's zone is not the server's (UTC): the banner's time must be in it.
test.use({ timezoneId: "America/New_York" });

const SHOTS = path.join(import.meta.dirname, "screenshots", "recovery");

/** The screenshot matrix, also kept under tests/e2e/screenshots/recovery/. */
async function shoot(
  page: Page,
  testInfo: TestInfo,
  name: string,
  subject?: Locator,
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

/** Presses Tab until `target` has the focus (it must be reachable by keyboard), and checks the ring. */
async function tabTo(page: Page, target: Locator, max = 150) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) break;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
  await expectFocusRing(target);
}

/** The focused control shows where the focus is (an outline, :focus-visible). */
async function expectFocusRing(target: Locator) {
  const ring = await target.evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      visible: el.matches(":focus-visible"),
      outline: style.outlineStyle,
      width: Number.parseFloat(style.outlineWidth),
    };
  });
  expect(ring.visible).toBe(true);
  expect(ring.outline).not.toBe("none");
  expect(ring.width).toBeGreaterThan(0);
}

/** Opens a workflow's page after the browser told the server its zone (no reload midway). */
async function openWorkflowPage(page: Page, title: string) {
  await page.goto("/workflows");
  const row = page.getByTestId("workflow-row").filter({ hasText: title });
  await expect(row).toBeVisible();
  await row.getByTestId("workflow-link").click();
  await expect(page.getByTestId("workflow-title")).toHaveText(title);
  return page.url().split("/").at(-1) as string;
}

async function startRun(request: APIRequestContext, workflowId: string, mode: string) {
  const response = await request.post(`/api/workflows/${workflowId}/runs`, {
    data: { inputs: { mode } },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

async function statusOf(request: APIRequestContext, runId: string) {
  const response = await request.get(`/api/runs/${runId}`);
  return ((await response.json()) as { run: { status: string } }).run.status;
}

test("Pause shows the banner on the page and the card, the webhook answers 409 until Resume", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, "pause");
  const plan = await approvedPlan(page, "lead-webhook");
  const webhookUrl = (await plan.root.getByTestId("plan-webhook-url").textContent())?.match(
    /https?:\/\/\S+/,
  )?.[0] as string;
  expect(webhookUrl).toBeTruthy();
  // Called from outside: no session, as the signup form would.
  const outside = await browser.newContext();
  const caller = outside.request;

  const workflowId = await openWorkflowPage(page, "Lead router");
  await expect(page.getByTestId("workflow-status")).toHaveText("active");
  const control = page.getByTestId("pause-control");
  await expect(control).toHaveAttribute("data-status", "active");
  await expect(page.getByTestId("paused-banner")).toHaveCount(0);

  // Keyboard: Tab reaches Pause, Enter pauses; the focus stays on the button, now Resume.
  const pauseButton = page.getByTestId("pause-workflow");
  await tabTo(page, pauseButton);
  await page.keyboard.press("Enter");
  const banner = page.getByTestId("paused-banner");
  await expect(banner).toContainText(/^Paused since \d\d:\d\d/);
  await expect(banner).toContainText("its webhook turns requests away until it is resumed");
  await expect(page.getByTestId("workflow-status")).toHaveText("paused");
  const resumeButton = page.getByTestId("resume-workflow");
  await expect(resumeButton).toBeFocused();
  // The time is the person's (New York), not the server's.
  const shown = (await banner.textContent())?.match(/since (\d\d:\d\d)/)?.[1];
  const expected = new Intl.DateTimeFormat("en-GB", {
    timeZone: "America/New_York",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date());
  // Within a minute of now, in New York.
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  expect(Math.abs(minutes(shown as string) - minutes(expected)) % (24 * 60)).toBeLessThanOrEqual(1);

  // The webhook: 409 with a JSON message saying why, and no run.
  const refused = await caller.post(webhookUrl, { data: { name: "Ada", plan: "pro" } });
  expect(refused.status()).toBe(409);
  const body = (await refused.json()) as { error?: { message?: string; code?: string } };
  expect(body.error?.code).toBe("conflict:workflow");
  expect(body.error?.message).toBe(
    "This workflow is paused: its webhook starts no runs until the owner resumes it.",
  );
  await page.reload();
  await expect(banner).toBeVisible();
  await expect(page.getByTestId("history-empty")).toHaveText("No runs yet.");
  await page.getByTestId("paused-banner").scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "paused-page");

  // The plan card in the thread says so too, with its own Resume.
  await page.getByTestId("workflow-thread-link").click();
  await expect(page).toHaveURL(/\/chat\//);
  const cardControl = page.getByTestId("plan-card").last().getByTestId("pause-control");
  await expect(cardControl).toHaveAttribute("data-status", "paused");
  await expect(cardControl.getByTestId("paused-banner")).toContainText(/^Paused since \d\d:\d\d/);
  await expect(cardControl.getByTestId("resume-workflow")).toBeVisible();
  await shoot(page, testInfo, "paused-card", page.getByTestId("plan-card").last(), true);

  // Resume from the page, by keyboard (Space this time): the banner goes, the webhook answers.
  await page.goto(`/workflows/${workflowId}`);
  await tabTo(page, resumeButton);
  await page.keyboard.press("Space");
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId("workflow-status")).toHaveText("active");
  await expect(pauseButton).toBeFocused();
  const accepted = await caller.post(webhookUrl, { data: { name: "Grace", plan: "team" } });
  expect(accepted.status()).toBe(202);
  await outside.close();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("history-row")).toHaveCount(1);
  }).toPass({ timeout: 30_000 });
});

test("re-running a workflow's failed runs counts them first, then shows one progress bar to the end", async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  await signUp(page, "bulk");
  await approvedPlan(page, "uptime-check");
  const workflowId = await openWorkflowPage(page, "Uptime check");

  // Three runs that fail: their probe calls 127.0.0.1:9, where nothing listens.
  const failed: string[] = [];
  for (let i = 0; i < 3; i++) failed.push(await startRun(page.request, workflowId, "probe"));
  for (const id of failed) {
    await expect.poll(() => statusOf(page.request, id), { timeout: 60_000 }).toBe("failed");
  }
  await page.reload();
  const rows = page.getByTestId("history-row");
  await expect(rows).toHaveCount(3);

  // Keyboard: Tab reaches "Re-run failed runs…"; Enter opens the panel with the dry-run count,
  // and the focus moves into it.
  const open = page.getByTestId("bulk-open-rerun");
  await tabTo(page, open);
  await page.keyboard.press("Enter");
  const panel = page.getByTestId("bulk-confirm");
  await expect(panel.getByRole("heading")).toHaveText("Re-run 3 failed runs?");
  await expect(panel.getByTestId("bulk-confirm-count")).toHaveText("3 failed runs");
  const go = panel.getByTestId("bulk-confirm-go");
  await expect(go).toBeFocused();
  await expectFocusRing(go);
  // Escape closes it and gives the focus back.
  await page.keyboard.press("Escape");
  await expect(panel).toHaveCount(0);
  await expect(open).toBeFocused();

  // The cancel side: nothing is active, so the panel says so and offers nothing to confirm.
  await page.getByTestId("bulk-open-cancel").click();
  await expect(panel.getByRole("heading")).toHaveText(
    "No queued, running or waiting runs of this workflow.",
  );
  await expect(panel.getByTestId("bulk-confirm-go")).toHaveCount(0);
  await panel.getByRole("button", { name: "Not now" }).click();
  await expect(panel).toHaveCount(0);

  await open.focus();
  await page.keyboard.press("Enter");
  await expect(panel.getByTestId("bulk-confirm-count")).toHaveText("3 failed runs");
  await expect(go).toBeFocused();
  await shoot(page, testInfo, "bulk-confirm", panel);

  // Confirm: one progress bar, to the end; the re-runs join the history, newest first.
  await page.keyboard.press("Enter");
  await expect(panel).toHaveCount(0);
  const progress = page.getByTestId("bulk-progress");
  await expect(progress).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(progress.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(progress.getByRole("status")).toHaveText("Re-run started for 3 of 3 runs");
  await expect(open).toBeFocused();
  await expect(rows).toHaveCount(6);
  await shoot(page, testInfo, "bulk-done", progress);

  // Each failed run was re-run once: three new runs, each pointing at one of the three.
  const newIds = (await rows.evaluateAll((all) => all.map((r) => r.getAttribute("data-run"))))
    .filter((id): id is string => id !== null && !failed.includes(id))
    .sort();
  expect(newIds).toHaveLength(3);
  const sources: string[] = [];
  for (const id of newIds) {
    const response = await page.request.get(`/api/runs/${id}`);
    const view = (await response.json()) as { rerunOf?: { runId: string } | null };
    sources.push(view.rerunOf?.runId ?? "");
  }
  expect(sources.sort()).toEqual([...failed].sort());

  // The re-runs fail the same way; the history shows them so after a reload too.
  for (const id of newIds) {
    await expect.poll(() => statusOf(page.request, id), { timeout: 60_000 }).toBe("failed");
  }
  await page.reload();
  await expect(rows).toHaveCount(6);
  await expect(page.locator('[data-testid="history-row"][data-status="failed"]')).toHaveCount(6);
});

test("an approval answered by chat confirms on a card first", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "answer");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const run = new RunCard(page, page.getByTestId("run-card").first());
  await expect(run.status).toHaveText("waiting", { timeout: 30_000 });

  // The message names neither the workflow nor the run: the card asks.
  await new ChatPage(page).send('call answerApproval with inputs {"approved":true}');
  const confirm = new ConfirmCard(page);
  await confirm.expectState("waiting");
  await expect(confirm.title).toContainText("Approve the waiting approval of Release approval");
  await expect(confirm.title).toContainText("Ship version 2.4 to every customer today?");
  await shoot(page, testInfo, "answer-waiting", confirm.root, true);

  // Keyboard: the card's Approve is reached by Tab and pressed with Enter.
  await tabTo(page, confirm.approveButton);
  await page.keyboard.press("Enter");
  await confirm.expectState("approved");
  await expect(confirm.outcome).toHaveText("You confirmed: approved.");
  await expect(run.status).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByText("Release approved by")).toBeVisible();
  await shoot(page, testInfo, "answer-approved", confirm.root, true);
});
