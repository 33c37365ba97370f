import { expect, test } from "@playwright/test";
import { signUp } from "./pages/flows";

test("secrets are added, replaced and deleted, and their values are never shown again", async ({
  page,
}, testInfo) => {
  await signUp(page, "secrets");
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await page.goto("/settings");
  const panel = page.getByTestId("secrets-panel");
  await expect(panel).toContainText("No secrets yet.");

  const value = "xoxb-very-secret-token-123";
  await page.getByTestId("secret-name").fill("slack_webhook");
  await page.getByTestId("secret-value").fill(value);
  await page.getByTestId("secret-add").click();
  const item = page.getByTestId("secret-item");
  await expect(item).toHaveCount(1);
  await expect(item).toContainText("SLACK_WEBHOOK");

  // A bad name is refused with a message, not saved.
  await page.getByTestId("secret-name").fill("1BAD");
  await page.getByTestId("secret-value").fill("x");
  await page.getByTestId("secret-add").click();
  await expect(page.getByTestId("secrets-error")).toBeVisible();
  await expect(item).toHaveCount(1);

  await page.reload();
  expect(await page.content()).not.toContain(value);
  const listed = await page.request.get("/api/secrets");
  expect(listed.ok()).toBe(true);
  expect(await listed.text()).not.toContain(value);

  await item.getByRole("button", { name: "Replace" }).click();
  await page.getByLabel("New value for SLACK_WEBHOOK").fill("another-secret-value");
  await item.getByRole("button", { name: "Save" }).click();
  await expect(panel).toContainText("Replaced SLACK_WEBHOOK.");
  await page.screenshot({ path: testInfo.outputPath("settings.png"), fullPage: true });

  page.once("dialog", (dialog) => dialog.accept());
  await item.getByRole("button", { name: "Delete SLACK_WEBHOOK" }).click();
  await expect(page.getByTestId("secret-item")).toHaveCount(0);
});
