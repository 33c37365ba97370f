import { expect, type Page } from "@playwright/test";

export class ChatPage {
  constructor(private readonly page: Page) {}

  get input() {
    return this.page.getByTestId("composer-input");
  }

  async send(text: string) {
    await this.input.fill(text);
    await this.input.press("Enter");
  }

  assistantMessages() {
    return this.page.getByTestId("message-assistant");
  }

  userMessages() {
    return this.page.getByTestId("message-user");
  }

  async expectAssistantSays(text: string | RegExp, index = -1) {
    const messages = this.assistantMessages();
    const target = index < 0 ? messages.last() : messages.nth(index);
    await expect(target).toContainText(text);
  }
}
