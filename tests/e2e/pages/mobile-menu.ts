import { expect, type Locator, type Page } from "@playwright/test";

/** The phone's top bar and its drawer menu (below 768 px). */
export class MobileMenu {
  readonly button: Locator;
  readonly drawer: Locator;

  constructor(private readonly page: Page) {
    this.button = page.getByTestId("menu-button");
    this.drawer = page.getByRole("dialog", { name: "Menu" });
  }

  async open() {
    await this.button.click();
    await expect(this.drawer).toBeVisible();
    await expect(this.button).toHaveAttribute("aria-expanded", "true");
  }

  async expectClosed() {
    await expect(this.drawer).toBeHidden();
    await expect(this.button).toHaveAttribute("aria-expanded", "false");
  }

  /** Opens the menu and follows one of its links (by accessible name). */
  async go(name: string | RegExp) {
    await this.open();
    await this.drawer.getByRole("link", { name, exact: typeof name === "string" }).click();
  }

  /** Whether the focused element is inside the drawer. */
  focusInside() {
    return this.page.evaluate(() => document.activeElement?.closest("#mobile-drawer") !== null);
  }
}
