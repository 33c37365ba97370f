// The workflow page: history, filters, paging, metrics and failure points for runs made
// through the app, the Workflows list's last run and sparkline, and who may see the page.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, expect, type Page, type TestInfo, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";

// The person's zone is not the server's (UTC): every time on the page must be in it.
test.use({ timezoneId: "Asia/Tokyo" });

const SHOTS = path.join(import.meta.dirname, "screenshots", "workflow-page");

/** The matrix of screenshots, also kept under tests/e2e/screenshots/workflow-page/. */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  await shootAll(page, testInfo, name);
  mkdirSync(SHOTS, { recursive: true });
  for (const file of readdirSync(testInfo.outputPath())) {
    if (file.startsWith(`${name}-`) && file.endsWith(".png")) {
      copyFileSync(testInfo.outputPath(file), path.join(SHOTS, file));
    }
  }
}

async function startRun(request: APIRequestContext, workflowId: string, mode: string) {
  const response = await request.post(`/api/workflows/${workflowId}/runs`, {
    data: { inputs: { mode } },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

async function finished(request: APIRequestContext, runId: string) {
  await expect
    .poll(
      async () => {
        const response = await request.get(`/api/runs/${runId}`);
        return ((await response.json()) as { run: { status: string } }).run.status;
      },
      { timeout: 60_000 },
    )
    .toMatch(/^(succeeded|failed)$/);
}

test("the workflow page shows a workflow's history, filters and pages it, and its metrics", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(480_000);
  await signUp(page, "wfpage");
  await approvedPlan(page, "uptime-check");

  await page.goto("/workflows");
  const listRow = page.getByTestId("workflow-row").filter({ hasText: "Uptime check" });
  await expect(listRow.getByTestId("workflow-last-run")).toHaveText("No runs yet");
  await listRow.getByTestId("workflow-link").click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  const workflowId = page.url().split("/").at(-1) as string;
  await expect(page.getByTestId("workflow-title")).toHaveText("Uptime check");
  await expect(page.getByTestId("workflow-status")).toHaveText("active");
  await expect(page.getByTestId("workflow-trigger")).toHaveText("When you start it (inputs: mode)");
  await expect(page.getByTestId("history-empty")).toHaveText("No runs yet.");
  await expect(page.getByTestId("metrics-empty")).toBeVisible();
  await expect(page.getByTestId("version")).toHaveCount(1);
  await expect(page.getByTestId("version-decision")).toContainText("Approved by you");
  await shoot(page, testInfo, "workflow-empty");

  // 27 runs: every ninth probes the status API, which the address guard refuses (a failure).
  const runIds: string[] = [];
  const failing: string[] = [];
  for (let index = 0; index < 27; index++) {
    const probe = index % 9 === 4;
    const id = await startRun(page.request, workflowId, probe ? "probe" : "quiet");
    runIds.push(id);
    if (probe) failing.push(id);
  }
  for (const id of runIds) await finished(page.request, id);

  await page.reload();
  const history = page.getByTestId("history-table");
  await expect(history.locator("thead")).toContainText("Started (Asia/Tokyo)");
  const rows = page.getByTestId("history-row");
  await expect(rows).toHaveCount(25);
  // Newest first: the last run started is the first row.
  await expect(rows.first()).toHaveAttribute("data-run", runIds.at(-1) as string);
  await expect(rows.first().getByTestId("history-trigger")).toHaveText("manual");
  await expect(rows.first().getByTestId("history-duration")).not.toHaveText("—");
  const failedRows = page.locator('[data-testid="history-row"][data-status="failed"]');
  await expect(failedRows.first().getByTestId("history-failed-step")).toContainText(
    "Probe the status API",
  );

  // Metrics over 7 days: 27 runs, 24 of them succeeded; the probe is the failure point.
  await expect(page.getByTestId("metric-runs")).toHaveText("27");
  await expect(page.getByTestId("metric-success-rate")).toHaveText("89%");
  await expect(page.getByTestId("metric-retries")).toHaveText("0");
  await expect(page.getByTestId("runs-chart")).toBeVisible();
  const point = page.getByTestId("failure-point");
  await expect(point).toHaveCount(1);
  await expect(point).toHaveAttribute("data-step", "probe");
  await expect(point.getByTestId("failure-count")).toHaveText("3 failed runs");
  await expect(point.getByTestId("failure-error")).toContainText("127.0.0.1");
  await expect(point.getByTestId("failure-run-link")).toHaveAttribute(
    "href",
    `/workflows/${workflowId}/runs/${failing.at(-1)}`,
  );
  await expect(page.getByTestId("step-metric")).not.toHaveCount(0);
  await page.getByTestId("metrics-window-24h").click();
  await expect(page).toHaveURL(/window=24h/);
  await expect(page.getByTestId("metric-runs")).toHaveText("27");
  await page.getByTestId("metrics-window-7d").click();
  await expect(page).not.toHaveURL(/window=/);
  await shoot(page, testInfo, "workflow-page");

  // Filter by status: the URL holds it, so the filtered view is a link.
  await page.getByTestId("filter-status").selectOption("failed");
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(3);
  await expect(page.locator('[data-testid="history-row"][data-status="succeeded"]')).toHaveCount(0);
  await page.goto(page.url());
  await expect(rows).toHaveCount(3);
  await page.getByTestId("history").scrollIntoViewIfNeeded();
  await shoot(page, testInfo, "workflow-history-failed");

  // A date range before any run: nothing matches.
  await page.goto(`/workflows/${workflowId}?from=2020-01-01&to=2020-01-31`);
  await expect(page.getByTestId("history-empty")).toHaveText("No runs match these filters.");
  await page.getByTestId("filter-clear").click();
  await expect(rows).toHaveCount(25);

  // A failure point opens the run's timeline.
  await page.getByTestId("failure-run-link").click();
  await expect(page).toHaveURL(new RegExp(`/runs/${failing.at(-1)}$`));
  await expect(page.getByTestId("run-card").getByTestId("run-status")).toHaveText("failed");
  await shoot(page, testInfo, "workflow-run");
  await page.getByTestId("run-page-workflow-link").click();
  await expect(page.getByTestId("workflow-title")).toHaveText("Uptime check");

  // The list: the last run in the person's zone and the week's sparkline.
  await page.goto("/workflows");
  await expect(listRow.getByTestId("workflow-last-run")).toContainText("succeeded");
  await expect(page.getByText("Last run (Asia/Tokyo)")).toBeAttached();
  await expect(listRow.getByTestId("sparkline")).toBeVisible();
  await expect(listRow.getByTestId("workflow-volume")).toContainText("27 · 89%");
  await shoot(page, testInfo, "workflows-list");

  // Someone else sees no such workflow, nor its runs; without a session, the sign-in page.
  const other = await browser.newContext({ timezoneId: "Asia/Tokyo" });
  const stranger = await other.newPage();
  await signUp(stranger, "wfstranger");
  await expect(stranger).not.toHaveURL(/\/register/);
  await stranger.goto(`/workflows/${workflowId}`);
  await expect(stranger.getByTestId("not-found")).toContainText("Workflow not found");
  await expect(stranger.getByText("Uptime check")).toHaveCount(0);
  await stranger.goto(`/workflows/${workflowId}/runs/${failing[0]}`);
  await expect(stranger.getByTestId("not-found")).toBeVisible();
  await stranger.goto("/workflows/not-a-uuid");
  await expect(stranger.getByTestId("not-found")).toBeVisible();
  await other.close();
  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto(`/workflows/${workflowId}`);
  await expect(visitor).toHaveURL(/\/login/);
  await anonymous.close();

  // Paging: the next (older) page comes through the history API with the same filter.
  await page.goto(`/workflows/${workflowId}`);
  await expect(rows).toHaveCount(25);
  await page.getByTestId("history-load-more").click();
  await expect(rows).toHaveCount(27);
  await expect(page.getByTestId("history-load-more")).toHaveCount(0);
  await expect(rows.last()).toHaveAttribute("data-run", runIds[0]);
  await expect(failedRows).toHaveCount(3);
});
