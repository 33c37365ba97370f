import { expect, type Locator, type Page } from "@playwright/test";

/** A plan card in the thread, found by its version number (the newest such card). */
export class PlanCard {
  readonly root: Locator;

  constructor(page: Page, version: number, scope: Locator = page.locator("body")) {
    this.root = scope.locator(`[data-testid="plan-card"][data-version="${version}"]`).last();
  }

  async expectState(state: "draft" | "approved" | "rejected" | "superseded") {
    await expect(this.root).toHaveAttribute("data-state", state);
  }

  node(stepId: string) {
    return this.root.getByTestId(`plan-node-${stepId}`);
  }

  get details() {
    return this.root.getByTestId("step-details");
  }

  get editorInput() {
    return this.root.getByTestId("plan-editor-input");
  }

  /** Replaces text in the plan JSON of the open editor. */
  async editJson(from: string, to: string) {
    const current = await this.editorInput.inputValue();
    expect(current).toContain(from);
    await this.editorInput.fill(current.replace(from, to));
  }

  approve() {
    return this.root.getByTestId("plan-approve").click();
  }

  reject() {
    return this.root.getByTestId("plan-reject").click();
  }

  edit() {
    return this.root.getByTestId("plan-edit").click();
  }
}
