// The open thread is live: runs it did not start (another tab, the API) appear with their posts
// without a reload, over ONE event stream per page, however many run cards it shows.
import fs from "node:fs";
import path from "node:path";
import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { approvedPlan, shootAll, signUp } from "./pages/flows";
import { RunCard } from "./pages/run-card";

/** Counts the page's event-stream requests (EventSource), by path. */
function countStreams(page: Page) {
  const streams: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith("/events")) streams.push(url.pathname);
  });
  return streams;
}

async function workflowId(page: Page, title: string): Promise<string> {
  const response = await page.request.get("/api/workflows");
  const { workflows } = (await response.json()) as { workflows: { id: string; title: string }[] };
  const found = workflows.find((w) => w.title === title);
  if (!found) throw new Error(`no workflow ${title}`);
  return found.id;
}

const threadIdOf = (page: Page) => new URL(page.url()).pathname.split("/").at(-1) as string;

/** Starts a run as another tab would: the API, with the thread to post into. */
async function startElsewhere(page: Page, id: string, threadId: string, inputs = {}) {
  const response = await page.request.post(`/api/workflows/${id}/runs`, {
    data: { threadId, inputs },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { run: { id: string } }).run.id;
}

/** The screenshot matrix, kept in tests/e2e/screenshots/ too. */
async function shoot(page: Page, testInfo: TestInfo, name: string, subject = page.locator("main")) {
  await shootAll(page, testInfo, name, subject);
  const dir = path.join("tests", "e2e", "screenshots");
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"]) {
      const file = `${name}-${width}-${scheme}.png`;
      fs.copyFileSync(testInfo.outputPath(file), path.join(dir, file));
    }
  }
}

test("a run started from another tab appears in the open thread live, with its posts, over one stream", async ({
  page,
  context,
}, testInfo) => {
  await signUp(page, "live");
  await approvedPlan(page, "greeting");
  const threadId = threadIdOf(page);
  const id = await workflowId(page, "Greeting");

  // A fresh load of the thread: one stream for the page, none per card.
  const streams = countStreams(page);
  await page.reload();
  await expect(page.getByTestId("thread-title")).toHaveText("/plan greeting");
  await expect.poll(() => streams.length).toBe(1);
  expect(streams[0]).toBe(`/api/threads/${threadId}/events`);

  // Another tab runs it twice: the cards, what the runs post and their summaries come in.
  const other = await context.newPage();
  await other.goto("/workflows");
  const started = Date.now();
  await startElsewhere(other, id, threadId, { name: "Grace" });
  await expect(
    page.getByText("Hello, Grace! This message came from a workflow run."),
  ).toBeVisible();
  const seenAfter = Date.now() - started;
  await startElsewhere(other, id, threadId, { name: "Linus" });
  await expect(
    page.getByText("Hello, Linus! This message came from a workflow run."),
  ).toBeVisible();
  await expect(page.getByTestId("run-card")).toHaveCount(2);
  for (const card of await page.getByTestId("run-card").all()) {
    await expect(card.getByTestId("run-status")).toHaveText("succeeded");
  }
  await expect(page.getByText(/Greeting: the run succeeded/)).toHaveCount(2);
  testInfo.annotations.push({ type: "post seen after start", description: `${seenAfter} ms` });
  // Still the one stream: two new live cards opened none of their own.
  expect(streams).toHaveLength(1);

  await shoot(page, testInfo, "live-thread", page.getByTestId("run-card").last());

  // Reload shows the same thread.
  await page.reload();
  await expect(page.getByTestId("run-card")).toHaveCount(2);
  await expect(
    page.getByText("Hello, Linus! This message came from a workflow run."),
  ).toBeVisible();
  await other.close();
});

test("eight live run cards share the page's one stream and do not hang other requests", async ({
  page,
}) => {
  await signUp(page, "eight");
  await approvedPlan(page, "approval-link");
  const threadId = threadIdOf(page);
  const id = await workflowId(page, "Release approval");
  const streams = countStreams(page);
  for (let i = 0; i < 8; i++) await startElsewhere(page, id, threadId);
  await expect(page.getByTestId("run-card")).toHaveCount(8);
  for (const card of await page.getByTestId("run-card").all()) {
    await expect(card.getByTestId("run-status")).toHaveText("waiting");
  }

  // A reload with eight waiting cards: one stream, and the app answers at once.
  await page.reload();
  await expect(page.getByTestId("run-card")).toHaveCount(8);
  for (const card of await page.getByTestId("run-card").all()) {
    await expect(card.getByTestId("run-status")).toHaveText("waiting");
  }
  expect(streams).toEqual([`/api/threads/${threadId}/events`]);
  const took = await page.evaluate(async (thread) => {
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`/api/threads/${thread}/messages`)),
    );
    if (responses.some((r) => !r.ok)) throw new Error("a request failed");
    return performance.now() - started;
  }, threadId);
  expect(took).toBeLessThan(5_000);

  // Answering one of them from here still updates its card live.
  const first = new RunCard(page, page.getByTestId("run-card").first());
  await first.approveButton.click();
  await expect(first.status).toHaveText("succeeded");
  await expect(page.getByText(/Release approved by/)).toBeVisible();
  await page.getByRole("link", { name: "Workflows" }).first().click();
  await expect(page).toHaveURL(/\/workflows$/);
});
