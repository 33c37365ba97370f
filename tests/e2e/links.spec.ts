// What outside systems and people reach by link: a resume link opened in a browser shows a page
// that decides nothing until a button is pressed; a webhook called many times gathers its runs
// in one message of the thread. Screenshots at desktop and phone sizes, light and dark.
import { expect, type Page, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

/** The resume link a run posted into the thread (`<label>: <url>`). */
async function postedLink(page: Page, label: string): Promise<string> {
  const posted = page.getByText(new RegExp(`${label}: http`));
  await expect(posted).toBeVisible();
  const url = /https?:\/\/\S+\/api\/resume\/\S+/.exec((await posted.textContent()) ?? "")?.[0];
  expect(url).toBeTruthy();
  return url as string;
}

test("an approval link shows what is asked, the run and the deadline, decides only on a button, and only once", async ({
  page,
  browser,
}, testInfo) => {
  await signUp(page, "link");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const url = await postedLink(page, "Approval link");
  const threadUrl = page.url();

  // What mail scanners and link previews do: fetch the link, as a browser or not, under their
  // own names. Nothing is decided: a browser is sent to the page, anything else reads a
  // description.
  for (const agent of [
    "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Microsoft Outlook 16.0)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  ]) {
    const scanner = await page.request.get(url, {
      maxRedirects: 0,
      headers: { accept: "text/html,application/xhtml+xml", "user-agent": agent },
    });
    expect(scanner.status()).toBe(303);
    expect((await page.request.head(url, { headers: { "user-agent": agent } })).status()).toBe(200);
  }
  const preview = await page.request.get(url);
  expect(await preview.json()).toMatchObject({ kind: "approval", state: "open" });

  await page.goto(url);
  await expect(page).toHaveURL(/\/resume\//);
  const card = page.getByTestId("resume-card");
  await expect(card).toHaveAttribute("data-state", "open");
  await expect(page.getByTestId("resume-heading")).toHaveText("Approval requested");
  await expect(page.getByTestId("resume-workflow")).toHaveText("Release approval");
  await expect(page.getByTestId("resume-prompt")).toHaveText(
    "Ship version 2.4 to every customer today?",
  );
  await expect(page.getByTestId("resume-run")).toContainText(
    /Started \w{3} \d+ \w{3} \d{4}, \d\d:\d\d/,
  );
  // The signed-in owner gets a way back to the run.
  await expect(page.getByTestId("resume-run-link")).toBeVisible();
  await expect(page.getByTestId("resume-deadline")).toContainText(/Decide by .+\d\d:\d\d/);
  await shootAll(page, testInfo, "resume-open");

  await page.getByTestId("resume-approve").click();
  await expect(card).toHaveAttribute("data-state", "decided");
  await expect(page.getByTestId("resume-heading")).toHaveText("Approved");
  await expect(page.getByTestId("resume-state")).toContainText(
    /^Approved at .+ \(by you via the link\)\. The workflow goes on/,
  );
  await shootAll(page, testInfo, "resume-approved");

  // Opened again, the link says it was already decided; a second decision is refused.
  await page.goto(url);
  await expect(page.getByTestId("resume-heading")).toHaveText("Already decided");
  await expect(page.getByTestId("resume-state")).toContainText(
    /Approved at .+ \(by you via the link\)/,
  );
  await expect(page.getByTestId("resume-approve")).toHaveCount(0);
  const again = await page.request.post(url, { data: { approved: false } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.details.state).toBe("decided");

  // Someone else holding the link (not signed in) reads the same, without the owner's links.
  const outside = await browser.newContext();
  const stranger = await outside.newPage();
  await stranger.goto(url);
  await expect(stranger.getByTestId("resume-heading")).toHaveText("Already decided");
  await expect(stranger.getByTestId("resume-state")).toContainText(
    "by the run's owner via the link",
  );
  await expect(stranger.getByTestId("resume-run-link")).toHaveCount(0);
  await shootAll(stranger, testInfo, "resume-decided");
  await outside.close();

  await page.goto(threadUrl);
  // The person decided from their own signed-in browser: the run says so.
  await expect(page.getByText(/Release approved by [0-9a-f-]{36}\./)).toBeVisible();
});

test("an approval answered from the thread's waiting step reads as decided on its link", async ({
  page,
}, testInfo) => {
  await signUp(page, "thread-approve");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const url = await postedLink(page, "Approval link");
  const card = new RunCard(page);
  await card.expectStep("ask", "waiting");
  // The waiting step's controls, at the top of its run card.
  const waiting = card.root.locator('[data-testid="run-approval"][data-step="ask"]');
  await expect(waiting).toContainText("Ship version 2.4 to every customer today?");
  await expect(waiting).toContainText(/Decide by (?:.+ )?\d\d:\d\d/);
  await card.approveButton.click();
  await card.expectStep("ask", "succeeded");
  await expect(card.step("ask").getByTestId("run-step-decision")).toHaveText(
    /^Approved by you from the thread at \d\d:\d\d/,
  );
  await expect(card.approveButton).toHaveCount(0);
  await shootAll(page, testInfo, "run-card-approved-from-thread", card.root, { alsoSubject: true });

  await page.goto(url);
  await expect(page.getByTestId("resume-heading")).toHaveText("Already decided");
  await expect(page.getByTestId("resume-state")).toContainText(
    /Approved at .+ \(by you from the thread\)/,
  );
});

test("an expired request and a cancelled run read as such on the link's page", async ({
  page,
}, testInfo) => {
  await signUp(page, "expired");
  const quick = await approvedPlan(page, "approval-expiring");
  await quick.root.getByTestId("run-now").click();
  const expiring = await postedLink(page, "Sign-off link");
  await expect(page.getByText("Sign-off timed out: true.")).toBeVisible({ timeout: 30_000 });
  await page.goto(expiring);
  await expect(page.getByTestId("resume-card")).toHaveAttribute("data-state", "expired");
  await expect(page.getByTestId("resume-heading")).toHaveText("This request expired");
  await expect(page.getByTestId("resume-state")).toContainText(/^Expired at .+ with no decision/);
  await expect(page.getByTestId("resume-deadline")).toHaveCount(0);
  await expect(page.getByTestId("resume-approve")).toHaveCount(0);
  const late = await page.request.post(expiring, { data: { approved: true } });
  expect(late.status()).toBe(409);
  expect((await late.json()).error.details.state).toBe("expired");
  await shootAll(page, testInfo, "resume-expired");

  await page.goto("/");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const url = await postedLink(page, "Approval link");
  const card = new RunCard(page);
  await expect(card.status).toHaveText("waiting");
  await card.cancelButton.click();
  await expect(card.status).toHaveText("cancelled");
  await page.goto(url);
  await expect(page.getByTestId("resume-heading")).toHaveText("This run was cancelled");
  await expect(page.getByTestId("resume-approve")).toHaveCount(0);
  const refused = await page.request.post(url, { data: { approved: true } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.details.state).toBe("cancelled");
  await shootAll(page, testInfo, "resume-cancelled");
});

test("a webhook called several times gathers its runs in one message of the thread", async ({
  page,
}, testInfo) => {
  await signUp(page, "hooks");
  const plan = await approvedPlan(page, "lead-webhook");
  const webhookUrl = (await plan.root.getByTestId("plan-webhook-url").textContent())?.match(
    /https?:\/\/\S+/,
  )?.[0];
  expect(webhookUrl).toBeTruthy();
  const outside = await page.context().browser()?.newContext();
  const caller = outside ? outside.request : page.request;
  for (const [name, tier] of [
    ["Ada", "pro"],
    ["Grace", "team"],
    ["Linus", "free"],
  ]) {
    const response = await caller.post(webhookUrl as string, { data: { name, plan: tier } });
    expect(response.status()).toBe(202);
  }
  await outside?.close();

  const batch = page.getByTestId("batch-card");
  await expect(async () => {
    await page.reload();
    await expect(batch).toHaveCount(1);
    await expect(batch.getByTestId("batch-posts")).toContainText("Linus");
  }).toPass({ timeout: 30_000 });
  await expect(batch).toContainText("3 runs at");
  await expect(batch.getByTestId("batch-posts")).toContainText("Ada");
  await expect(batch.getByTestId("batch-posts")).toContainText("Grace");
  // No run card or summary per run.
  await expect(page.getByTestId("run-card")).toHaveCount(0);
  await shootAll(page, testInfo, "webhook-batch", batch);

  await batch.getByTestId("batch-runs").getByRole("button").first().click();
  await expect(batch.getByTestId("run-card")).toBeVisible();
  await expect(batch.getByTestId("run-status")).toHaveText("succeeded");
});
