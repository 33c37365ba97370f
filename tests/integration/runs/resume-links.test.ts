// Resume and approval links that mail scanners and link previews cannot spoil: a GET never
// decides (a browser is sent to the page, an API client gets a description), only a POST
// decides, once, with an explicit decision; the decider recorded is "link" (or the signed-in
// owner), never a value from the body.
import { describe, expect, it, vi } from "vitest";
import { getRunById, listRunSteps } from "@/lib/db/run-queries";
import { freePort } from "../engine/processes";
import { harnessFor, plan, pointAppClientAtHarness } from "./harness";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await freePort();
process.env.RUN_RESUME_SECRET = "test-resume-secret";
pointAppClientAtHarness(port);

const { GET, POST } = await import("@/app/api/resume/[token]/route");
const { waitUrlsFor } = await import("@/lib/runs/resume");

const ctx = (token: string) => ({ params: Promise.resolve({ token }) });
const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("resume and approval links", () => {
  const h = harnessFor("pglite", { port });

  const approvalPlan = plan([
    {
      id: "ask",
      action: "wait.approval",
      title: "Ship it?",
      input: { prompt: "Ship the release?", timeout: "1m" },
    },
    {
      id: "report",
      action: "transform",
      after: ["ask"],
      input: { value: "{{ steps.ask.output }}" },
    },
  ]);

  async function waitingRun() {
    const workflowId = await h.workflow(approvalPlan);
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to wait",
    );
    const { url } = waitUrlsFor(run.id, ["ask"], "http://app.test", "test-resume-secret").ask;
    return { run, url, token: url.split("/").at(-1) as string };
  }

  it("never decides on GET: a browser is sent to the page, an API client reads what is asked", async () => {
    const { run, url, token } = await waitingRun();
    // What a mail scanner or a link preview does, several times.
    for (const accept of ["text/html,application/xhtml+xml", "*/*", ""]) {
      await GET(new Request(url, { headers: { accept } }), ctx(token));
    }
    const page = await GET(new Request(url, { headers: { accept: "text/html" } }), ctx(token));
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/resume/${token}`);
    const described = await GET(
      new Request(url, { headers: { accept: "application/json" } }),
      ctx(token),
    );
    expect(described.status).toBe(200);
    expect(await described.json()).toMatchObject({
      runId: run.id,
      stepId: "ask",
      kind: "approval",
      state: "open",
      step: { title: "Ship it?", prompt: "Ship the release?" },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await getRunById({ runId: run.id }))?.status).toBe("waiting");
    expect((await listRunSteps({ runId: run.id })).find((s) => s.stepId === "ask")?.status).toBe(
      "waiting",
    );
  });

  it("decides nothing on a POST without an explicit decision", async () => {
    const { run, url, token } = await waitingRun();
    for (const init of [
      { method: "POST" },
      json(""),
      json({}),
      json({ approved: "yes" }),
      json("not json"),
      { method: "POST", headers: { "content-type": "text/plain" }, body: '{"approved":true}' },
    ]) {
      const response = await POST(new Request(url, init), ctx(token));
      expect(response.status, JSON.stringify(init)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect((await getRunById({ runId: run.id }))?.status).toBe("waiting");
  });

  it("decides once on POST, recording the link as the decider whatever the body says", async () => {
    const { run, url, token } = await waitingRun();
    const first = await POST(
      new Request(url, json({ approved: false, comment: "not today", by: h.userId })),
      ctx(token),
    );
    expect(first.status).toBe(202);
    const again = await POST(new Request(url, json({ approved: true })), ctx(token));
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toMatch(/already decided at \d{4}-/);
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
      decision: { approved: false, via: "url" },
    });
  });

  it("records the signed-in owner as the decider when they answer from the page", async () => {
    const { run, url, token } = await waitingRun();
    session.userId = h.userId;
    try {
      const response = await POST(new Request(url, json({ approved: true })), ctx(token));
      expect(response.status).toBe(202);
    } finally {
      session.userId = undefined;
    }
    const done = await h.finished(run.id);
    expect(done.output).toEqual({ approved: true, timedOut: false, by: h.userId });
  });

  it("answers a forged token, or a step that is not a wait, with 404", async () => {
    const { run, url, token } = await waitingRun();
    expect((await GET(new Request(`${url}x`), ctx(`${token}x`))).status).toBe(404);
    const notAWait = waitUrlsFor(run.id, ["report"], "http://app.test", "test-resume-secret").report
      .url;
    const notAWaitToken = notAWait.split("/").at(-1) as string;
    expect(
      (await POST(new Request(notAWait, json({ approved: true })), ctx(notAWaitToken))).status,
    ).toBe(404);
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
