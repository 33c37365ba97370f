import { expect, type Page } from "@playwright/test";

export class AuthPage {
  constructor(private readonly page: Page) {}

  async register(email: string, password: string) {
    await this.page.goto("/register");
    await this.page.getByTestId("email").fill(email);
    await this.page.getByTestId("password").fill(password);
    await this.page.getByTestId("auth-submit").click();
  }

  async login(email: string, password: string) {
    await this.page.goto("/login");
    await this.page.getByTestId("email").fill(email);
    await this.page.getByTestId("password").fill(password);
    await this.page.getByTestId("auth-submit").click();
  }

  async expectError(text: string | RegExp) {
    await expect(this.page.getByTestId("auth-error")).toContainText(text);
  }
}
