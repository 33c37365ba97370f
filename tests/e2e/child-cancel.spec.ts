// A child run cancelled with its parent says so on its card: cancelling a run whose
// workflow.run step waits on a child (the child waits for an approval) cancels the child too,
// and the child's card, opened from the parent's step, reads "Cancelled with its parent run …".
// Screenshots at 1280×800 and 390×844, light and dark, under the test's output
// (child-cancel-*.png).
import { expect, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

test("a child run cancelled with its parent shows why on its card", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signUp(page, "childcancel");
  // The child: a workflow that waits for an approval ("Release approval").
  await approvedPlan(page, "approval-link");
  await page.goto("/");
  const parent = await approvedPlan(page, "release-via-child");
  await parent.root.getByTestId("run-now").click();
  // By name: the child's card, opened inside the parent's, is a run card too.
  const run = new RunCard(
    page,
    page.getByRole("region", { name: "Run of Release through the approval workflow" }),
  );
  await run.expectStep("release", "running");
  await run.toggleStep("release");
  await run.root.getByTestId("run-child-link").click();
  const child = new RunCard(
    page,
    run.root.getByRole("region", { name: "Run of Release approval" }),
  );
  await expect(child.status).toHaveText("waiting");

  await run.cancelButton.first().click();
  await expect(run.status.first()).toHaveText("cancelled");
  await expect(child.status).toHaveText("cancelled");
  await expect(child.root.getByTestId("run-cancel-reason")).toHaveText(
    /^Cancelled with its parent run [0-9a-f-]{36}$/,
  );
  // Only the child's: the parent was cancelled by its owner, which needs no reason.
  await expect(run.root.getByTestId("run-cancel-reason")).toHaveCount(1);
  await shootAll(page, testInfo, "child-cancel", child.root, { alsoSubject: true });
});
