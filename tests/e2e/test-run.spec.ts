// Testing a draft before approving it: the plan card marks each step's side-effect class
// (reads, writes, notifies someone; "outside" for Slack), Test asks for the inputs and how the
// wait should go, and the test's card comes into the thread showing every step as ran,
// simulated (with what it would send), skipped or not reached, on the list and on the graph.
// A loopback fixture counts what reaches it: only the GET.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page, type TestInfo, test } from "@playwright/test";
import { type HttpTarget, startHttpTarget } from "../fixtures/http-target";
import { ChatPage } from "./pages/chat-page";
import { shootAll, signUp } from "./pages/flows";
import { PlanCard } from "./pages/plan-card";

const TARGET_PORT = Number(
  process.env.E2E_TARGET_PORT ?? Number(process.env.E2E_MODEL_PORT ?? 4100) + 500,
);
const SHOTS = path.join(import.meta.dirname, "screenshots", "test-run");

test.use({ timezoneId: "Europe/Paris" });

let target: HttpTarget;
test.beforeAll(async () => {
  target = await startHttpTarget({ port: TARGET_PORT });
});
test.afterAll(async () => {
  await target?.close();
});

/** The page at both sizes and schemes with `subject` (a part of a tall card) scrolled into view. */
async function shoot(page: Page, testInfo: TestInfo, name: string, subject: Locator) {
  await shootAll(page, testInfo, name, subject);
  mkdirSync(SHOTS, { recursive: true });
  for (const file of readdirSync(testInfo.outputPath())) {
    if (file.startsWith(`${name}-`) && file.endsWith(".png")) {
      copyFileSync(testInfo.outputPath(file), path.join(SHOTS, file));
    }
  }
}

const outcomes = (card: Locator) =>
  card
    .locator("[data-testid^='test-step-'][data-outcome]")
    .evaluateAll((rows) =>
      rows.map((row) => [
        row.getAttribute("data-testid")?.slice("test-step-".length),
        row.getAttribute("data-outcome"),
      ]),
    );

test("a draft is tested: nothing but the GET is sent, and each step shows what it did or would send", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "testrun");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  // The plan posts to Slack through a stored secret.
  const saved = await page.request.post("/api/secrets", {
    headers: { "content-type": "application/json" },
    data: { name: "SLACK_WEBHOOK", value: `http://127.0.0.1:${TARGET_PORT}/slack/e2e` },
  });
  expect(saved.status(), await saved.text()).toBe(201);

  await new ChatPage(page).send("/plan test-run-check");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan test-run-check");
  await plan.expectState("draft");

  // Every step's side-effect class, from the catalog.
  const effect = (stepId: string) => plan.node(stepId).getByTestId("effect-mark");
  await expect(effect("fetch")).toHaveAttribute("data-effect", "reads");
  await expect(effect("ticket")).toHaveAttribute("data-effect", "writes");
  await expect(effect("warn")).toHaveAttribute("data-effect", "notifies");
  await expect(plan.node("warn").getByTestId("effect-outside")).toHaveText("outside");
  await expect(effect("remember")).toHaveAttribute("data-effect", "writes");
  await shoot(page, testInfo, "plan", plan.root.getByTestId("plan-title"));
  await plan.node("warn").click();
  await expect(plan.details.getByTestId("step-effect")).toContainText(
    "notifies someonecontacts someone outsideposts to Slack",
  );

  // Test asks for the input and how the wait goes (its timeout unless changed).
  await plan.root.getByTestId("plan-test").click();
  const form = plan.root.getByTestId("plan-test-form");
  await expect(form).toBeVisible();
  await form.getByTestId("plan-test-input-endpoint").fill(`http://127.0.0.1:${TARGET_PORT}`);
  await expect(form.getByTestId("plan-test-wait-ask")).toHaveValue("timeout");
  await shoot(page, testInfo, "form", form);

  const before = target.requests.length;
  await form.getByTestId("plan-test-start").click();
  const card = page.getByTestId("test-run-card").last();
  await expect(card.getByTestId("test-verdict")).toHaveText("would succeed", { timeout: 30_000 });
  expect(await outcomes(card)).toEqual([
    ["fetch", "ran"],
    ["ticket", "simulated"],
    ["warn", "simulated"],
    ["ask", "simulated"],
    ["post", "skipped"],
    ["remember", "simulated"],
    ["alert", "not reached"],
  ]);
  // The loopback fixture saw the GET and nothing else.
  expect(target.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /json"]);

  const ticket = card.getByTestId("test-step-ticket").getByTestId("would-send");
  await expect(ticket).toContainText(`POST http://127.0.0.1:${TARGET_PORT}/echo/tickets`);
  await expect(ticket).toContainText('"open":2');
  const warn = card.getByTestId("test-step-warn").getByTestId("would-send");
  await expect(warn).toContainText('Slack message: "2 incidents open this morning"');
  await expect(warn.getByTestId("would-send-outside")).toHaveText("contacts someone outside");
  await expect(card.getByTestId("test-step-ask")).toContainText("timed out (nobody answered)");
  await expect(card.getByTestId("test-step-post")).toContainText("condition was false");
  await expect(card.getByTestId("test-step-alert")).toContainText("runs only if the run fails");
  await expect(card.getByTestId("test-note")).toContainText("Nothing was sent");
  await shoot(page, testInfo, "card", card.getByTestId("test-title"));
  await shoot(page, testInfo, "card-end", card.getByTestId("test-step-alert"));

  // The same on the graph: each node coloured by what the test did with it.
  await card.getByTestId("test-tab-graph").click();
  const graph = card.getByTestId("test-graph");
  await expect(graph.getByTestId("plan-node-fetch")).toHaveAttribute("data-state", "ran");
  await expect(graph.getByTestId("plan-node-warn")).toHaveAttribute("data-state", "simulated");
  await expect(graph.getByTestId("plan-node-post")).toHaveAttribute("data-state", "skipped");
  await expect(graph.getByTestId("plan-node-alert")).toHaveAttribute("data-state", "not reached");
  await graph.getByTestId("plan-node-warn").click();
  await expect(graph.getByTestId("would-send")).toContainText("Slack message");
  await shoot(page, testInfo, "graph", card.getByTestId("test-tab-graph"));

  // After a reload the card reads the ended test again, and the thread holds only its card.
  await page.reload();
  const again = page.getByTestId("test-run-card").last();
  await expect(again.getByTestId("test-verdict")).toHaveText("would succeed");
  await expect(page.getByTestId("run-card")).toHaveCount(0);
});

test("the person picks how each wait ends before the test, and what event arrives", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "testwaits");
  await new ChatPage(page).send("/plan test-run-waits");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await plan.expectState("draft");
  // The new chat's page has become the thread's page (its title shows): the card is settled.
  await expect(page.getByTestId("thread-title")).toHaveText("/plan test-run-waits");

  await plan.root.getByTestId("plan-test").click();
  const form = plan.root.getByTestId("plan-test-form");
  const ask = form.getByTestId("plan-test-wait-ask");
  const hold = form.getByTestId("plan-test-wait-hold");
  // Each wait offers its own ways, its timeout first and chosen.
  await expect(ask).toHaveValue("timeout");
  await expect(hold).toHaveValue("timeout");
  expect(await ask.locator("option").allTextContents()).toEqual([
    "timed out (nobody answered)",
    "approved",
    "rejected",
    "ask me when it gets there",
  ]);
  expect(await hold.locator("option").allTextContents()).toEqual([
    "timed out (nobody answered)",
    "the event arrived",
    "ask me when it gets there",
  ]);
  await expect(form.getByTestId("plan-test-event-hold")).toHaveCount(0);

  await ask.selectOption("approved");
  await hold.selectOption("event");
  // The event's data, starting from an example of "workflow/run.failed".
  const data = form.getByTestId("plan-test-event-hold");
  await expect(data).toBeVisible();
  const example = JSON.parse(await data.inputValue());
  expect(example).toMatchObject({ status: "failed", error: { step: "fetch" } });
  await data.fill(
    JSON.stringify({ ...example, error: { step: "fetch", message: "disk full on db-2" } }, null, 2),
  );
  await shoot(page, testInfo, "waits-form", form);

  await form.getByTestId("plan-test-start").click();
  const card = page.getByTestId("test-run-card").last();
  await expect(card.getByTestId("test-verdict")).toHaveText("would succeed", { timeout: 30_000 });
  expect(await outcomes(card)).toEqual([
    ["ask", "simulated"],
    ["yes", "simulated"],
    ["hold", "simulated"],
    ["why", "ran"],
  ]);
  await expect(card.getByTestId("test-step-ask")).toContainText("approved");
  await expect(card.getByTestId("test-step-hold")).toContainText("the event arrived");
  await expect(card.getByTestId("test-step-hold")).toContainText("disk full on db-2");
  await expect(card.getByTestId("test-step-why")).toContainText("disk full on db-2");
  await expect(card.getByTestId("test-step-hold").getByTestId("would-send")).toContainText(
    "what arrived",
  );
  await shoot(page, testInfo, "waits-card", card.getByTestId("test-step-hold"));

  // Invalid JSON is refused before anything starts.
  await plan.root.getByTestId("plan-test").click();
  await form.getByTestId("plan-test-wait-hold").selectOption("event");
  await form.getByTestId("plan-test-event-hold").fill("{ not json");
  await form.getByTestId("plan-test-start").click();
  await expect(form.getByRole("alert")).toContainText("not valid JSON");
  await expect(page.getByTestId("test-run-card")).toHaveCount(1);
});

test("the person chooses a wait's way during the test, on its card; a removed test says so", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "testask");
  await new ChatPage(page).send("/plan test-run-waits");
  const plan = new PlanCard(page, 1);
  await expect(plan.root).toBeVisible();
  await plan.expectState("draft");
  // The new chat's page has become the thread's page (its title shows): the card is settled.
  await expect(page.getByTestId("thread-title")).toHaveText("/plan test-run-waits");

  await plan.root.getByTestId("plan-test").click();
  const form = plan.root.getByTestId("plan-test-form");
  await form.getByTestId("plan-test-wait-ask").selectOption("ask");
  await form.getByTestId("plan-test-start").click();

  // The test gets to the approval and waits there, asking on its card: nobody else is asked.
  const card = page.getByTestId("test-run-card").last();
  await expect(card.getByTestId("test-verdict")).toHaveText("waits for you", { timeout: 30_000 });
  const ask = card.getByTestId("test-step-ask");
  await expect(ask).toHaveAttribute("data-outcome", "waiting");
  const choice = ask.getByTestId("test-wait-choice");
  await expect(choice).toContainText("The test waits for you here");
  await expect(choice).toContainText("Nobody was asked or notified");
  await expect(choice).toContainText("Go on with the follow-up?");
  expect(await choice.getByRole("button").allTextContents()).toEqual([
    "Approved",
    "Rejected",
    "Timed out",
  ]);
  await expect(card.getByTestId("test-note")).toContainText("Nothing is sent");
  await expect(card.getByTestId("test-step-yes")).toHaveAttribute("data-outcome", "pending");
  await expect(page.getByTestId("run-approve")).toHaveCount(0);
  await shoot(page, testInfo, "ask-card", ask);

  await choice.getByTestId("test-wait-approved").click();
  await expect(card.getByTestId("test-verdict")).toHaveText("would succeed", { timeout: 30_000 });
  expect(await outcomes(card)).toEqual([
    ["ask", "simulated"],
    ["yes", "simulated"],
    ["hold", "simulated"],
    ["why", "skipped"],
  ]);
  await expect(ask).toContainText("approved, chosen during the test");
  await expect(card.getByTestId("test-step-hold")).toContainText("timed out (nobody answered)");
  await expect(card.getByTestId("test-wait-choice")).toHaveCount(0);

  // A day later the test run is pruned: its card says so instead of "not yours".
  await page.route(/\/api\/runs\/[0-9a-f-]{36}$/, (route) =>
    route.fulfill({
      status: 404,
      contentType: "application/json",
      body: JSON.stringify({
        error: { code: "not_found:run", message: "This run does not exist or is not yours." },
      }),
    }),
  );
  await page.reload();
  await expect(page.getByTestId("test-run-card").last()).toHaveText(
    "This test run was removed: test runs are kept for a day.",
  );
});
