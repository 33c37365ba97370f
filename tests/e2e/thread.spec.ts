import { expect, type Page, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { approvedPlan, shootAll, signUp } from "./pages/flows";

/** Starts the approved plan's run from its card; returns the workflow id. */
async function runFromCard(page: Page) {
  const started = page.waitForResponse(
    (r) =>
      /\/api\/workflows\/[0-9a-f-]{36}\/runs$/.test(r.url()) && r.request().method() === "POST",
  );
  await page.getByTestId("plan-card").last().getByTestId("run-now").click();
  const response = await started;
  expect(response.status()).toBe(201);
  return /\/api\/workflows\/([0-9a-f-]{36})\/runs$/.exec(response.url())?.[1] as string;
}

async function allRunsEnded(page: Page, workflowId: string, count: number) {
  await expect
    .poll(
      async () => {
        const { runs } = (await (
          await page.request.get(`/api/workflows/${workflowId}/runs`)
        ).json()) as {
          runs: { status: string }[];
        };
        return runs.filter((r) => r.status === "succeeded").length;
      },
      { timeout: 150_000, intervals: [1000] },
    )
    .toBe(count);
}

const INCIDENTS = Array.from({ length: 60 }, (_, i) => `INC-${1040 + i}`);

test("a run's posts carry their workflow's header, keep plan order, and Regenerate leaves them", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "posts");
  const chat = new ChatPage(page);
  await approvedPlan(page, "busy-incident-feed");
  const workflowId = await runFromCard(page);
  await allRunsEnded(page, workflowId, 1);

  const posts = page.getByTestId("workflow-post");
  // The headline, 60 incidents posted 8 at a time, and the summary: in plan order, live.
  await expect(posts).toHaveCount(62, { timeout: 30_000 });
  const texts = await posts.allTextContents();
  expect(texts[0]).toContain("Open incidents this morning");
  const order = texts.slice(1, 61).map((t) => /INC-\d+/.exec(t)?.[0]);
  expect(order).toEqual(INCIDENTS);
  expect(texts[61]).toMatch(/Busy incident feed: the run succeeded/);
  // One header for the run's posts, naming the workflow and the run's time.
  const headers = page.getByTestId("post-header");
  await expect(headers).toHaveCount(1);
  await expect(headers.first()).toContainText(/Busy incident feed\s*·\s*run of \d{2}:\d{2}/);
  await headers.first().evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shootAll(page, testInfo, "thread-posts", headers.first());

  // Neither the plan reply nor the run's messages offer Regenerate.
  await expect(page.getByTestId("regenerate")).toHaveCount(0);
  await chat.send("hello");
  await chat.expectAssistantSays('You said: "hello"');
  const reply = chat.assistantMessages().last();
  await reply.hover();
  await expect(page.getByTestId("regenerate")).toHaveCount(1);
  await reply.getByTestId("regenerate").click();
  await chat.expectAssistantSays('You said: "hello"');
  await expect(page.getByTestId("regenerate")).toHaveCount(1);
  await expect(posts).toHaveCount(62);

  // After a reload the newest page shows; the run's posts are still stored, in order.
  await page.reload();
  await chat.expectAssistantSays('You said: "hello"');
  await expect(page.getByTestId("workflow-post").last()).toContainText(
    /Busy incident feed: the run succeeded/,
  );
  await expect(page.getByTestId("message-user")).toHaveCount(1);
  // The header's link opens the run's card (here: the card is in an older page, so inline).
  const header = page.getByTestId("post-header").first();
  await header.getByTestId("post-run-link").click();
  await expect(page.getByTestId("run-card").first()).toBeVisible();
});

test("a long thread opens on its newest page and pages older messages in as it scrolls up", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, "long");
  await approvedPlan(page, "short-incident-feed");
  const threadId = new URL(page.url()).pathname.split("/").at(-1) as string;
  const workflowId = await runFromCard(page);
  for (let i = 0; i < 4; i++) {
    const response = await page.request.post(`/api/workflows/${workflowId}/runs`, {
      data: { threadId },
    });
    expect(response.status()).toBe(201);
  }
  await allRunsEnded(page, workflowId, 5);

  const pages: number[] = [];
  page.on("request", (request) => {
    if (/\/api\/threads\/[0-9a-f-]{36}\/messages/.test(request.url())) pages.push(1);
  });
  await page.reload();
  const messages = page.getByTestId("message-assistant");
  // 5 runs × (card, 14 posts, summary) and the plan: the page opens with the newest 50.
  await expect(messages).toHaveCount(50);
  await expect(page.getByTestId("older-messages")).toBeAttached();
  await shootAll(page, testInfo, "thread-long-newest");

  // Scrolling up pages older messages in until the thread's first message.
  const scroller = page.getByTestId("messages");
  for (let i = 0; i < 12; i++) {
    if ((await page.getByTestId("message-user").count()) > 0) break;
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForTimeout(400);
  }
  await expect(page.getByTestId("message-user")).toHaveCount(1);
  await expect(page.getByTestId("older-messages")).toHaveCount(0);
  expect(pages.length).toBeGreaterThanOrEqual(1);
  // Older finished runs render collapsed from their stored outcome until opened.
  const collapsed = page.getByTestId("run-card-collapsed");
  await expect(collapsed).toHaveCount(2);
  await expect(collapsed.first()).toContainText(/Run of Short incident feed/);
  await expect(collapsed.first()).toContainText(/succeeded/);
  await collapsed.first().scrollIntoViewIfNeeded();
  await shootAll(page, testInfo, "thread-long-oldest", collapsed.first());
  await collapsed.first().getByTestId("run-card-open").click();
  await expect(page.getByTestId("run-card").first().getByTestId("run-status")).toHaveText(
    "succeeded",
  );
});
