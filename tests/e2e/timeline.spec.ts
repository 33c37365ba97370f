// The run card as a timeline: every plan step from the start, in run order, by title, with
// its state (retrying with the next try, skipped with the reason, a loop's items, a wait with
// its controls), a waterfall with exact times in the person's zone, and the plan's graph
// coloured by state; a reload shows the same.
import { expect, type Locator, type Page, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

const ZONE = "Asia/Kolkata";
test.use({ timezoneId: ZONE });

/** The steps of incident-review.json in run order (topological, ties in plan order). */
const ORDER = [
  ["fetch", "Fetch open incidents"],
  ["ping", "Ping the status page"],
  ["status", "Post the status"],
  ["quiet", "Say all is quiet"],
  ["each", "Summarise each incident"],
  ["ask", "Ask before posting"],
  ["post", "Post the review"],
] as const;

async function expectOrderAndTitles(card: RunCard) {
  const rows = card.root.locator('[data-testid="run-steps"] > ol > [data-testid="run-step"]');
  await expect(rows).toHaveCount(ORDER.length);
  expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-step")))).toEqual(
    ORDER.map(([id]) => id),
  );
  await expect(rows.getByTestId("run-step-title")).toHaveText(ORDER.map(([, title]) => title));
}

function shootCard(
  page: Page,
  card: Locator,
  testInfo: Parameters<typeof shootAll>[1],
  name: string,
) {
  return shootAll(page, testInfo, name, card, { alsoSubject: true });
}

test("a run's timeline lists every step with its state, a waterfall and a coloured graph", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "timeline");
  const plan = await approvedPlan(page, "incident-review");
  await plan.root.getByTestId("run-now").click();
  const card = new RunCard(page);
  await expect(card.root.getByTestId("run-title")).toHaveText("Run of Incident review");

  // Every step is listed from the start, in run order, by title (id beside it).
  await expectOrderAndTitles(card);

  // A failing call with tries left is retrying, not failed, and says when and which try.
  await card.expectStep("ping", "retrying");
  await expect(card.step("ping").getByTestId("run-step-detail")).toContainText(
    /retrying (in \d+(\.\d)? s|now).*attempt [23] of 3/,
  );
  await shootCard(page, card.root, testInfo, "timeline-retrying");
  await card.expectStep("quiet", "skipped");
  await expect(card.step("quiet")).toContainText("skipped: condition was false");
  await card.expectStep("each", "succeeded");
  await expect(card.step("each")).toContainText("3 of 3 items");
  await card.expectStep("ask", "waiting");
  await expect(card.step("ask")).toContainText(/waiting for an approval until (?:.+ )?\d\d:\d\d/);
  await expect(card.approveButton).toBeVisible();
  await expect(card.root.getByTestId("run-progress")).toHaveText(/^[2-5] of 7 steps$/);

  // After its last try the step has failed and what depends on it is skipped, saying why.
  // Two waits of 8 s before the third try.
  await expect(card.step("ping")).toHaveAttribute("data-status", "failed", { timeout: 40_000 });
  await expect(card.step("ping")).toContainText("attempt 3 of 3");
  await card.expectStep("status", "skipped");
  await expect(card.step("status")).toContainText("skipped: Ping the status page failed");
  await expect(card.status).toHaveText("waiting");
  await expect(card.root.getByTestId("run-progress")).toHaveText("5 of 7 steps");
  await card.toggleStep("each");
  await expect(card.root.getByTestId("run-loop-item")).toHaveCount(3);
  await shootCard(page, card.root, testInfo, "timeline-waiting");

  // The waterfall: one bar per attempt (three for ping), exact times in the person's zone.
  await card.root.getByTestId("run-tab-waterfall").click();
  const bars = card.root.getByTestId("waterfall-bar");
  await expect(card.root.locator('[data-testid="waterfall-bar"][data-step="ping"]')).toHaveCount(3);
  await expect(card.root.locator('[data-testid="waterfall-bar"][data-step="each"]')).toHaveCount(3);
  const fetchBar = card.root.locator('[data-testid="waterfall-bar"][data-step="fetch"]');
  await fetchBar.focus();
  const details = card.root.getByTestId("waterfall-details");
  await expect(details).toContainText("Fetch open incidents");
  const view = await (await page.request.get(await runUrl(page))).json();
  const fetchRow = view.steps.find((s: { stepId: string }) => s.stepId === "fetch");
  const expected = new Intl.DateTimeFormat("en-GB", {
    timeZone: ZONE,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(new Date(fetchRow.startedAt));
  await expect(details).toContainText(`started ${expected}.`);
  await expect(bars.first()).toBeVisible();
  await shootCard(page, card.root, testInfo, "timeline-waterfall");

  // The graph: each node coloured by its step's state.
  await card.root.getByTestId("run-tab-graph").click();
  const graph = card.root.getByTestId("run-graph");
  await expect(graph.getByTestId("plan-node-fetch")).toHaveAttribute("data-state", "succeeded");
  await expect(graph.getByTestId("plan-node-ping")).toHaveAttribute("data-state", "failed");
  await expect(graph.getByTestId("plan-node-status")).toHaveAttribute("data-state", "skipped");
  await expect(graph.getByTestId("plan-node-ask")).toHaveAttribute("data-state", "waiting");
  await expect(graph.getByTestId("plan-node-post")).toHaveAttribute("data-state", "pending");
  await shootCard(page, card.root, testInfo, "timeline-graph");

  // Approve: the review posts (inline code renders as code), the run fails at ping.
  await card.root.getByTestId("run-tab-steps").click();
  await card.approveButton.click();
  await expect(card.status).toHaveText("failed");
  await card.expectStep("post", "succeeded");
  const code = page.locator("[data-inline-code]", { hasText: /^3$/ });
  await expect(code).toBeVisible();
  await expect(page.getByText("Reviewed 3 incidents.")).toBeVisible();
  // The typography plugin's backticks (code::before/::after) are gone.
  const around = await code.evaluate((el) => [
    getComputedStyle(el, "::before").content,
    getComputedStyle(el, "::after").content,
  ]);
  for (const content of around) expect(["none", "normal"]).toContain(content);

  // A reload shows the same timeline.
  await page.reload();
  const reloaded = new RunCard(page);
  await expect(reloaded.status).toHaveText("failed");
  await expectOrderAndTitles(reloaded);
  await reloaded.expectStep("ping", "failed");
  await reloaded.expectStep("status", "skipped");
  await expect(reloaded.step("status")).toContainText("skipped: Ping the status page failed");
  await expect(reloaded.step("quiet")).toContainText("skipped: condition was false");
  await expect(reloaded.step("each")).toContainText("3 of 3 items");
  await reloaded.expectStep("ask", "succeeded");
  await reloaded.toggleLog();
  await expect(reloaded.log).toContainText("Run failed at ping");
  await expect(reloaded.log).toContainText("each runs for 3 items");
  await shootCard(page, reloaded.root, testInfo, "timeline-failed");
});

/** The run's API address: the newest run the page has read. */
async function runUrl(page: Page): Promise<string> {
  const runs = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => /^\/api\/runs\/[0-9a-f-]{36}$/.test(path)),
  );
  expect(runs.length).toBeGreaterThan(0);
  return runs.at(-1) as string;
}
