import { expect, type Locator, type Page } from "@playwright/test";

/** A live run card in the thread (the newest one unless told otherwise). */
export class RunCard {
  readonly root: Locator;

  constructor(page: Page, root: Locator = page.getByTestId("run-card").last()) {
    this.root = root;
  }

  get status() {
    return this.root.getByTestId("run-status");
  }

  step(stepId: string) {
    return this.root.locator(`[data-testid="run-step"][data-step="${stepId}"]`);
  }

  async expectStep(stepId: string, status: string) {
    await expect(this.step(stepId)).toHaveAttribute("data-status", status);
  }

  get approveButton() {
    return this.root.getByTestId("run-approve");
  }

  get declineButton() {
    return this.root.getByTestId("run-reject");
  }

  get cancelButton() {
    return this.root.getByTestId("run-cancel");
  }

  get log() {
    return this.root.getByTestId("run-log");
  }

  toggleLog() {
    return this.root.getByRole("button", { name: /^(Log|Hide log)$/ }).click();
  }

  /** Opens (or closes) a step's details: error, input, output. */
  toggleStep(stepId: string) {
    return this.step(stepId).getByRole("button").first().click();
  }
}

const RUN_READ = /^\/api\/runs\/([0-9a-f-]{36})$/;

/** Counts the whole-run reads (`GET /api/runs/<id>`) the page makes, per run id. */
export function countRunReads(page: Page): Map<string, number> {
  const reads = new Map<string, number>();
  page.on("request", (request) => {
    const match = RUN_READ.exec(new URL(request.url()).pathname);
    if (request.method() === "GET" && match) {
      reads.set(match[1], (reads.get(match[1]) ?? 0) + 1);
    }
  });
  return reads;
}
