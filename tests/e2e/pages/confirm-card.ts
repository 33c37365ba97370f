import { expect, type Locator, type Page } from "@playwright/test";

/** The newest confirmation card in the thread (a run tool's call waiting for the person). */
export class ConfirmCard {
  readonly root: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId("confirm-card").last();
  }

  get title() {
    return this.root.getByTestId("confirm-title");
  }

  get approveButton() {
    return this.root.getByTestId("confirm-approve");
  }

  get denyButton() {
    return this.root.getByTestId("confirm-deny");
  }

  get outcome() {
    return this.root.getByTestId("confirm-outcome");
  }

  input(name: string) {
    return this.root.locator(`[data-testid="confirm-input"][data-name="${name}"]`);
  }

  async expectState(state: "waiting" | "approved" | "declined") {
    await expect(this.root).toHaveAttribute("data-state", state);
  }
}
