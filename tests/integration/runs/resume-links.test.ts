// Resume and approval links that mail scanners and link previews cannot spoil: a GET (or HEAD,
// or OPTIONS) never decides, whatever it accepts and whoever asks; only a POST decides, once,
// with an explicit decision; the decider recorded is "link" (or the signed-in owner), never a
// value from the body. Once decided, expired, cancelled or finished, the POST is a 409 naming
// which and the page says so.
import { sql } from "drizzle-orm";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { getRunById, getWaitSignal, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { freePort } from "../engine/processes";
import { harnessFor, plan, pointAppClientAtHarness } from "./harness";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await freePort();
process.env.RUN_RESUME_SECRET = "test-resume-secret";
pointAppClientAtHarness(port);

const { GET, HEAD, POST, OPTIONS } = await import("@/app/api/resume/[token]/route");
const { waitUrlsFor } = await import("@/lib/runs/resume");
const { cancelRun } = await import("@/lib/runs/control");
const ResumePage = (await import("@/app/resume/[token]/page")).default;

const ctx = (token: string) => ({ params: Promise.resolve({ token }) });
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** What link checkers, previews and browsers send when they meet a URL. */
const VISITORS: { name: string; headers: Record<string, string> }[] = [
  {
    name: "a browser",
    headers: {
      accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "user-agent":
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
      "sec-fetch-site": "none",
      "sec-fetch-mode": "navigate",
    },
  },
  { name: "an API client", headers: { accept: "application/json", "user-agent": "curl/8.5.0" } },
  {
    name: "Outlook Safe Links",
    headers: {
      accept: "*/*",
      "user-agent":
        "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0; Microsoft Outlook 16.0)",
    },
  },
  {
    name: "Slackbot",
    headers: { "user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" },
  },
  {
    name: "Googlebot",
    headers: {
      accept: "text/html",
      "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    },
  },
  { name: "no headers at all", headers: {} },
];

async function renderPage(token: string) {
  return renderToStaticMarkup(await ResumePage({ params: Promise.resolve({ token }) }));
}

describe.each(drivers)("resume and approval links on %s", (driver) => {
  const h = harnessFor(driver, { port });

  const approvalPlan = (timeout = "1m") =>
    plan(
      [
        {
          id: "ask",
          action: "wait.approval",
          title: "Ship it?",
          input: { prompt: "Ship the release?", timeout },
        },
        {
          id: "report",
          action: "transform",
          after: ["ask"],
          input: { value: "{{ steps.ask.output }}" },
        },
      ],
      { title: "Release train" },
    );

  async function waitingRun(timeout?: string) {
    const workflowId = await h.workflow(approvalPlan(timeout));
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to wait",
    );
    const { url } = waitUrlsFor(run.id, ["ask"], "http://app.test", "test-resume-secret").ask;
    return { run, url, token: url.split("/").at(-1) as string };
  }

  const stillWaiting = async (runId: string) => {
    expect((await getRunById({ runId }))?.status).toBe("waiting");
    expect((await listRunSteps({ runId })).find((s) => s.stepId === "ask")?.status).toBe("waiting");
    const signal = await getWaitSignal({ runId, stepId: "ask" });
    expect(signal.signaled).toBe(false);
    expect(signal.signaledAt).toBeNull();
  };

  it("never decides on GET, HEAD or OPTIONS, whoever fetches the link and whatever it accepts", async () => {
    const { run, url, token } = await waitingRun();
    // Every visitor below reads the same link within the minute.
    const { setRateLimits, resetRateLimits } = await import("@/lib/rate-limit");
    setRateLimits({ resume: { points: 100, duration: 60 } });
    onTestFinished(() => resetRateLimits());
    for (const visitor of VISITORS) {
      for (const handler of [GET, HEAD, OPTIONS]) {
        const method = handler === GET ? "GET" : handler === HEAD ? "HEAD" : "OPTIONS";
        const response = await handler(
          new Request(url, { method, headers: visitor.headers }),
          ctx(token),
        );
        expect(response.status, `${visitor.name} ${method}`).toBeLessThan(500);
        expect([200, 303, 405], `${visitor.name} ${method}`).toContain(response.status);
      }
    }
    const page = await GET(new Request(url, { headers: { accept: "text/html" } }), ctx(token));
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/resume/${token}`);
    expect((await OPTIONS(new Request(url, { method: "OPTIONS" }), ctx(token))).status).toBe(405);
    const described = await GET(
      new Request(url, { headers: { accept: "application/json" } }),
      ctx(token),
    );
    expect(described.status).toBe(200);
    const view = await described.json();
    expect(view).toMatchObject({
      runId: run.id,
      stepId: "ask",
      workflow: "Release train",
      kind: "approval",
      state: "open",
      runStatus: "waiting",
      step: { title: "Ship it?", prompt: "Ship the release?" },
      run: { createdAt: run.createdAt.toISOString() },
    });
    // The deadline the wait computed: about a minute after it started waiting.
    expect(Date.parse(view.deadline) - Date.now()).toBeGreaterThan(30_000);
    expect(Date.parse(view.deadline) - Date.now()).toBeLessThanOrEqual(60_000);
    // Rendering the page (what a scanner that runs no script gets) decides nothing either.
    const html = await renderPage(token);
    expect(html).toContain("Approval requested");
    expect(html).toContain("Ship the release?");
    expect(html).toContain("Decide by");
    await new Promise((r) => setTimeout(r, 500));
    await stillWaiting(run.id);
  });

  it("decides nothing on a POST without an explicit JSON decision", async () => {
    const { run, url, token } = await waitingRun();
    const cases: [RequestInit, number][] = [
      [{ method: "POST" }, 400],
      [json(""), 400],
      [json({}), 400],
      [json({ approved: "yes" }), 400],
      [json("not json"), 400],
      [json({ approved: true, comment: "x".repeat(2001) }), 400],
      // What an HTML form (or a scanner submitting one) can send: never JSON.
      [
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "approved=true",
        },
        415,
      ],
      [
        { method: "POST", headers: { "content-type": "text/plain" }, body: '{"approved":true}' },
        415,
      ],
    ];
    for (const [init, status] of cases) {
      const response = await POST(new Request(url, init), ctx(token));
      expect(response.status, JSON.stringify(init)).toBe(status);
    }
    await stillWaiting(run.id);
  });

  it("refuses an oversized body with 413 before deciding", async () => {
    const { run, url, token } = await waitingRun();
    const big = JSON.stringify({ approved: true, comment: "x".repeat(70 * 1024) });
    const response = await POST(new Request(url, json(big)), ctx(token));
    expect(response.status).toBe(413);
    await stillWaiting(run.id);
  });

  it("refuses an approval a browser sends from another site", async () => {
    const { run, url, token } = await waitingRun();
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example", host: "app.test" },
      { "sec-fetch-site": "cross-site" },
      { origin: "null" },
    ]) {
      const response = await POST(new Request(url, json({ approved: true }, headers)), ctx(token));
      expect(response.status, JSON.stringify(headers)).toBe(403);
    }
    await stillWaiting(run.id);
    // The link's own page (same origin) decides.
    const own = await POST(
      new Request(
        url,
        json(
          { approved: true },
          { origin: "http://app.test", host: "app.test", "sec-fetch-site": "same-origin" },
        ),
      ),
      ctx(token),
    );
    expect(own.status).toBe(202);
  });

  it("decides once on POST, recording the link as the decider whatever the body says", async () => {
    const { run, url, token } = await waitingRun();
    const first = await POST(
      new Request(url, json({ approved: false, comment: "not today", by: h.userId })),
      ctx(token),
    );
    expect(first.status).toBe(202);
    const accepted = await first.json();
    expect(accepted).toMatchObject({ accepted: true, duplicate: false });
    const again = await POST(new Request(url, json({ approved: true })), ctx(token));
    expect(again.status).toBe(409);
    const refused = (await again.json()).error;
    expect(refused.code).toBe("conflict:run");
    expect(refused.message).toMatch(/^Already decided: rejected at .+ UTC \(via the link\)\.$/);
    expect(refused.details).toMatchObject({
      state: "decided",
      decidedAt: accepted.decidedAt,
      decision: { approved: false, from: "link", byOwner: false },
    });
    const done = await h.finished(run.id);
    expect(done.output).toEqual({
      approved: false,
      timedOut: false,
      by: "link",
      comment: "not today",
    });
    const after = await GET(
      new Request(url, { headers: { accept: "application/json" } }),
      ctx(token),
    );
    expect(await after.json()).toMatchObject({
      state: "decided",
      decidedAt: accepted.decidedAt,
      decision: { approved: false, from: "link" },
    });
    const html = await renderPage(token);
    expect(html).toContain("Already decided");
    expect(html).toMatch(/Rejected.*at.*via the link/);
    expect(html).not.toContain("resume-approve");
  });

  it("records the signed-in owner as the decider when they answer from the page", async () => {
    const { run, url, token } = await waitingRun();
    session.userId = h.userId;
    try {
      const response = await POST(new Request(url, json({ approved: true })), ctx(token));
      expect(response.status).toBe(202);
      const done = await h.finished(run.id);
      expect(done.output).toEqual({ approved: true, timedOut: false, by: h.userId });
      const html = await renderPage(token);
      expect(html).toMatch(/Approved.*by you via the link/);
      expect(html).toContain(`/workflows/${run.workflowId}/runs/${run.id}`);
    } finally {
      session.userId = undefined;
    }
    // Someone else holding the link is not told who "you" is, nor given the run's links.
    const html = await renderPage(token);
    expect(html).toMatch(/by the run&#x27;s owner via the link/);
    expect(html).not.toContain(`/runs/${run.id}`);
  });

  it("refuses a decision once the deadline passed, before and after the engine timed the wait out", async () => {
    const { run, url, token } = await waitingRun();
    // As if the minute had passed: the deadline the wait recorded is now behind us, while the
    // engine still holds the wait.
    const past = new Date(Date.now() - 1000).toISOString();
    await h.database.db.execute(
      sql`update run_events set data = jsonb_set(data, '{deadline}', ${JSON.stringify(past)}::jsonb) where run_id = ${run.id} and key = 'ask:a1:waiting'`,
    );
    const late = await POST(new Request(url, json({ approved: true })), ctx(token));
    expect(late.status).toBe(409);
    const refused = (await late.json()).error;
    expect(refused.details).toMatchObject({ state: "expired", expiredAt: past });
    expect(refused.message).toMatch(/^This request expired at .+ UTC/);
    await stillWaiting(run.id);

    // A wait that really timed out: the run went on as not approved.
    const short = await waitingRun("1s");
    const done = await h.finished(short.run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ approved: false, timedOut: true });
    const after = await POST(new Request(short.url, json({ approved: true })), ctx(short.token));
    expect(after.status).toBe(409);
    expect((await after.json()).error.details.state).toBe("expired");
    expect((await getWaitSignal({ runId: short.run.id, stepId: "ask" })).signaled).toBe(false);
    const view = await (
      await GET(
        new Request(short.url, { headers: { accept: "application/json" } }),
        ctx(short.token),
      )
    ).json();
    expect(view).toMatchObject({ state: "expired", runStatus: "succeeded" });
    expect(view.expiredAt).toBe(view.deadline);
    const html = await renderPage(short.token);
    expect(html).toContain("This request expired");
    expect(html).toContain("Expired at");
  });

  it("refuses a decision for a cancelled run, and the page says it was cancelled", async () => {
    const { run, url, token } = await waitingRun();
    await cancelRun({ userId: h.userId, runId: run.id });
    const response = await POST(new Request(url, json({ approved: true })), ctx(token));
    expect(response.status).toBe(409);
    const refused = (await response.json()).error;
    expect(refused.details.state).toBe("cancelled");
    expect(refused.message).toMatch(/This run was cancelled/);
    expect((await getWaitSignal({ runId: run.id, stepId: "ask" })).signaled).toBe(false);
    const html = await renderPage(token);
    expect(html).toContain("This run was cancelled");
    expect(html).not.toContain("resume-approve");
  });

  it("answers a forged token, or a step that is not a wait, with 404", async () => {
    const { run, url, token } = await waitingRun();
    expect((await GET(new Request(`${url}x`), ctx(`${token}x`))).status).toBe(404);
    expect(
      (await POST(new Request(`${url}x`, json({ approved: true })), ctx(`${token}x`))).status,
    ).toBe(404);
    const otherRun = token.replace(run.id, crypto.randomUUID());
    expect((await POST(new Request(url, json({ approved: true })), ctx(otherRun))).status).toBe(
      404,
    );
    const notAWait = waitUrlsFor(run.id, ["report"], "http://app.test", "test-resume-secret").report
      .url;
    const notAWaitToken = notAWait.split("/").at(-1) as string;
    expect(
      (await POST(new Request(notAWait, json({ approved: true })), ctx(notAWaitToken))).status,
    ).toBe(404);
    await stillWaiting(run.id);
  });

  it("limits how often one link can be used, refusing with 429 and Retry-After", async () => {
    const { setRateLimits, resetRateLimits } = await import("@/lib/rate-limit");
    const { url, token } = await waitingRun();
    setRateLimits({ resume: { points: 2, duration: 60 } });
    try {
      const read = () =>
        GET(new Request(url, { headers: { accept: "application/json" } }), ctx(token));
      expect((await read()).status).toBe(200);
      expect((await read()).status).toBe(200);
      const limited = await read();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // A browser sent to the page is not counted: the person can still decide there.
      expect(
        (await GET(new Request(url, { headers: { accept: "text/html" } }), ctx(token))).status,
      ).toBe(303);
    } finally {
      resetRateLimits();
    }
  });
});
