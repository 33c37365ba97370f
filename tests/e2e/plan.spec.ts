import { expect, test } from "@playwright/test";
import { AuthPage } from "./pages/auth-page";
import { ChatPage } from "./pages/chat-page";
import { PlanCard } from "./pages/plan-card";

// The fake model answers "/plan <fixture>" with a proposeWorkflow call carrying
// tests/fixtures/plans/<fixture>.json (tests/fixtures/openai-server/planner-replies.ts).

const password = "correct horse battery";
const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

test("a plan is proposed, inspected, edited, approved, and stays approved after a reload", async ({
  page,
}, testInfo) => {
  await new AuthPage(page).register(`planner-${unique()}@example.com`, password);
  const chat = new ChatPage(page);

  await chat.send("/plan morning-incident-digest");
  const v1 = new PlanCard(page, 1);
  await expect(v1.root).toBeVisible();
  await v1.expectState("draft");
  await expect(v1.root.getByTestId("plan-title")).toHaveText("Morning incident digest");
  await expect(v1.root.getByTestId("plan-trigger")).toContainText(
    "Every weekday at 07:30 (Europe/Berlin)",
  );
  await expect(v1.root.getByTestId("plan-next-runs").locator("time")).toHaveCount(3);
  await chat.expectAssistantSays("nothing runs until you approve it");
  // The first reply of a new chat ends with the page reloading as the saved thread; wait for
  // it so clicks are not lost in the swap.
  await expect(page.getByTestId("thread-title")).toHaveText("/plan morning-incident-digest");

  // The graph: one node per step; clicking one shows what it does and its inputs.
  for (const id of ["fetch", "summarize", "post", "alert"]) await expect(v1.node(id)).toBeVisible();
  await v1.node("fetch").click();
  await expect(v1.details).toContainText("http.request");
  await expect(v1.details.getByTestId("step-input")).toContainText(
    "https://status.example.com/api/incidents?state=open",
  );
  await expect(v1.details).toContainText("3 attempts, exponential backoff");
  // Keyboard: a focused node opens with Enter.
  await v1.root.getByTestId("rf__node-summarize").focus();
  await page.keyboard.press("Enter");
  await expect(v1.details).toContainText("ai.generate");
  await v1.node("fetch").click();
  await expect(v1.details).toContainText("http.request");
  await page.screenshot({ path: testInfo.outputPath("plan-card.png"), fullPage: true });

  // Edit: a broken value is flagged with its path as the person types; a valid one saves.
  await v1.edit();
  await v1.editJson('"timeout": "30s"', '"timeout": "soon"');
  await expect(v1.root.getByTestId("plan-editor-errors")).toContainText("steps[0].timeout");
  await expect(v1.root.getByTestId("plan-editor-save")).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath("plan-edit-error.png"), fullPage: true });
  await v1.editJson('"timeout": "soon"', '"timeout": "45s"');
  await expect(v1.root.getByTestId("plan-editor-ok")).toHaveText("The plan is valid.");
  await v1.root.getByTestId("plan-editor-note").fill("longer timeout");
  await v1.root.getByTestId("plan-editor-save").click();

  const v2 = new PlanCard(page, 2);
  await expect(v2.root).toBeVisible();
  await v2.expectState("draft");
  await expect(v2.root).toContainText("edited by you");
  await expect(v2.root.getByTestId("plan-diff")).toContainText('timeout "30s" → "45s"');
  await v1.expectState("superseded");
  await expect(v1.root.getByTestId("plan-approve")).toHaveCount(0);

  await v2.approve();
  await v2.expectState("approved");
  await expect(v2.root.getByTestId("plan-state-line")).toContainText("the version that runs");
  await page.screenshot({ path: testInfo.outputPath("plan-approved.png"), fullPage: true });

  await page.reload();
  await v2.expectState("approved");
  await v1.expectState("superseded");
  await expect(v2.root.getByTestId("plan-diff")).toContainText('timeout "30s" → "45s"');
  await expect(v2.root.getByTestId("plan-approve")).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("plan-reloaded.png"), fullPage: true });

  // Reject another plan: it stays a draft workflow with nothing active.
  await chat.send("/plan signup-to-slack");
  const signup = new PlanCard(page, 1, page.locator('[data-testid="message-assistant"]').last());
  await expect(signup.root).toBeVisible();
  await signup.reject();
  await signup.expectState("rejected");
  await expect(signup.root.getByTestId("plan-state-line")).toContainText(
    "Nothing from this version",
  );

  await page.getByTestId("nav-workflows").click();
  await expect(page).toHaveURL(/\/workflows$/);
  const rows = page.getByTestId("workflow-row");
  await expect(rows).toHaveCount(2);
  const digest = rows.filter({ hasText: "Morning incident digest" });
  await expect(digest).toHaveAttribute("data-status", "active");
  await expect(digest.getByTestId("workflow-version")).toHaveText("v2");
  await expect(digest.getByTestId("workflow-trigger")).toContainText("Every weekday at 07:30");
  await expect(digest.getByTestId("workflow-last-run")).toHaveText("No runs yet");
  const rejected = rows.filter({ hasText: "New signups to Slack" });
  await expect(rejected).toHaveAttribute("data-status", "draft");
  await expect(rejected.getByTestId("workflow-version")).toHaveText("None (v1 rejected)");
  await page.screenshot({ path: testInfo.outputPath("workflows.png"), fullPage: true });

  await digest.getByTestId("workflow-thread-link").click();
  await expect(new PlanCard(page, 2).root).toBeVisible();
});

test("a plan the model cannot repair is refused clearly, and unreadable input is survived", async ({
  page,
}, testInfo) => {
  await new AuthPage(page).register(`refused-${unique()}@example.com`, password);
  const chat = new ChatPage(page);

  // The fake model sends the same cyclic plan until the app says the attempts are used up.
  await chat.send("/plan invalid/cycle");
  await expect(page.getByTestId("plan-refused")).toBeVisible();
  await expect(page.getByTestId("plan-refused")).toContainText("after 3 attempts");
  await expect(page.getByTestId("plan-refused")).toContainText("cycle");
  await expect(page.getByTestId("plan-invalid")).toHaveCount(2);
  await expect(page.getByTestId("plan-card")).toHaveCount(0);
  await chat.expectAssistantSays("I could not produce a valid plan");
  await page.screenshot({ path: testInfo.outputPath("plan-refused.png"), fullPage: true });

  await page.reload();
  await expect(page.getByTestId("plan-refused")).toBeVisible();

  await page.getByTestId("nav-workflows").click();
  await expect(page.getByTestId("workflows-empty")).toContainText("No workflows yet");

  // Arguments that are not JSON: the chat shows a notice, and the model's retry is saved.
  await page.getByTestId("new-chat").click();
  await chat.send("/garbled weather-report");
  await expect(page.getByTestId("plan-tool-error")).toContainText("could not be read");
  await expect(new PlanCard(page, 1).root).toBeVisible();
  await chat.expectAssistantSays('I saved "Weather report on demand" as version 1');
  await expect(page.getByTestId("nav-settings")).toHaveAttribute("href", "/settings");
});
