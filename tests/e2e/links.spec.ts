// What outside systems and people reach by link: a resume link opened in a browser shows a page
// that decides nothing until a button is pressed; a webhook called many times gathers its runs
// in one message of the thread. Screenshots at desktop and phone sizes, light and dark.
import { expect, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";

test("an approval link shows what is asked, decides only on a button, and only once", async ({
  page,
}, testInfo) => {
  await signUp(page, "link");
  const plan = await approvedPlan(page, "approval-link");
  await plan.root.getByTestId("run-now").click();
  const posted = page.getByText(/Approval link: http/);
  await expect(posted).toBeVisible();
  const url = /https?:\/\/\S+\/api\/resume\/\S+/.exec((await posted.textContent()) ?? "")?.[0];
  expect(url).toBeTruthy();
  const threadUrl = page.url();

  // What mail scanners and link previews do: fetch the link, as a browser or not. Nothing is
  // decided: a browser is sent to the page, anything else reads a description.
  const scanner = await page.request.get(url as string, {
    maxRedirects: 0,
    headers: { accept: "text/html,application/xhtml+xml" },
  });
  expect(scanner.status()).toBe(303);
  const preview = await page.request.get(url as string);
  expect(await preview.json()).toMatchObject({ kind: "approval", state: "open" });

  await page.goto(url as string);
  await expect(page).toHaveURL(/\/resume\//);
  await expect(page.getByTestId("resume-heading")).toHaveText("Approval requested");
  await expect(page.getByTestId("resume-workflow")).toHaveText("Release approval");
  await expect(page.getByTestId("resume-prompt")).toHaveText(
    "Ship version 2.4 to every customer today?",
  );
  await shootAll(page, testInfo, "resume-page");

  await page.getByTestId("resume-approve").click();
  await expect(page.getByTestId("resume-state")).toHaveText(/^Approved\./);
  await shootAll(page, testInfo, "resume-approved");

  // Opened again, the link says it was already decided.
  await page.goto(url as string);
  await expect(page.getByTestId("resume-state")).toContainText("Already approved");
  const again = await page.request.post(url as string, { data: { approved: false } });
  expect(again.status()).toBe(409);

  await page.goto(threadUrl);
  // The person decided from their own signed-in browser: the run says so.
  await expect(page.getByText(/Release approved by [0-9a-f-]{36}\./)).toBeVisible();
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
