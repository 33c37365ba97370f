// Every template runs: filled in as a person would (the values the chat would collect), approved
// and started on the embedded engine through the real /api/inngest handler, with the app's real
// actions and unit contexts, against loopback fixtures only — the demo model's server (its
// model for ai.generate, its sample data for http.request), an SMTP sink, a Slack imitation, a
// GitHub imitation and an MCP server. Webhooks arrive through the real webhook route, waits are
// answered through the real approval and resume paths, a chained workflow starts by event.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { actionRegistry } from "@/lib/actions/registry";
import { demoReply } from "@/lib/demo-model/demo";
import { sampleRoutes } from "@/lib/demo-model/samples";
import { startOpenAIServer } from "@/lib/demo-model/server";
import { resetEnvForTests } from "@/lib/env";
import { fillTemplate, getTemplate, TEMPLATES } from "@/lib/templates";
import { type HttpTarget, startHttpTarget } from "@/tests/fixtures/http-target";
import { type McpFixture, startMcpFixture } from "@/tests/fixtures/mcp-server";
import { type SmtpSink, startSmtpSink } from "@/tests/fixtures/smtp-server";
import { freePort } from "../engine/processes";
import { harnessFor, pointAppClientAtHarness } from "../runs/harness";

// The resume route asks who is signed in (nobody: the link itself is the credential).
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => undefined }));

const demo = await startOpenAIServer({ defaultReply: demoReply, routes: sampleRoutes() });
const smtp: SmtpSink = await startSmtpSink();
const slack: HttpTarget = await startHttpTarget();
const mcp: McpFixture = await startMcpFixture({
  tools: (server) => {
    server.registerTool(
      "list_events",
      { description: "Today's events", inputSchema: { from: z.string(), to: z.string() } },
      async () => ({
        content: [{ type: "text", text: "09:30 Stand-up; 14:00 Design review with Ada" }],
      }),
    );
    server.registerTool("list_tasks", { description: "Open tasks" }, async () => ({
      content: [{ type: "text", text: "3 open tasks: ship the gallery, write the docs, rest" }],
    }));
  },
});
const GITHUB_TOKEN = "ghp_templatesTest0123456789";
const githubRequests: Array<{ url?: string; authorization?: string }> = [];
const github: Server = createServer((req, res) => {
  githubRequests.push({ url: req.url, authorization: req.headers.authorization });
  if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`) {
    res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Bad credentials"}');
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify([
      {
        title: "Templates gallery",
        user: { login: "ada" },
        html_url: "https://github.test/acme/widgets/pull/7",
        created_at: "2026-01-09T10:00:00Z",
      },
      {
        title: "Demo model",
        user: { login: "grace" },
        html_url: "https://github.test/acme/widgets/pull/8",
        created_at: "2026-01-10T10:00:00Z",
      },
    ]),
  );
});
await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
const githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;

const port = await freePort();
process.env.OPENAI_BASE_URL = demo.baseURL;
process.env.OPENAI_MODEL = "flowchat-demo";
process.env.HTTP_ALLOWLIST = "127.0.0.1";
process.env.SMTP_HOST = smtp.host;
process.env.SMTP_PORT = String(smtp.port);
process.env.SMTP_FROM = "Flowchat <flowchat@acme.test>";
process.env.RUN_RESUME_SECRET = "templates-resume-secret";
process.env.DATA_DIR ??= path.join(os.tmpdir(), `flowchat-templates-${process.pid}`);
pointAppClientAtHarness(port);
resetEnvForTests();

const queries = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const runQueries = await import("@/lib/db/run-queries");
const { saveSecret } = await import("@/lib/secrets/store");
const { createMcpServer } = await import("@/lib/db/mcp-queries");
const hooks = await import("@/app/api/hooks/[token]/route");
const resume = await import("@/app/api/resume/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const { answerApproval } = await import("@/lib/runs/control");

afterAll(async () => {
  await Promise.all([demo.close(), smtp.close(), slack.close(), mcp.close()]);
  await new Promise((resolve) => github.close(resolve));
});

const tested = new Set<string>();

describe("every template runs on loopback fixtures (PGlite)", () => {
  const h = harnessFor("pglite", { port, registry: () => actionRegistry, serverContext: true });
  let threadId: string;

  beforeAll(async () => {
    threadId = crypto.randomUUID();
    await queries.getOrCreateThread({ id: threadId, userId: h.userId, title: "Templates" });
    await createMcpServer({
      userId: h.userId,
      fields: { name: "cal", transport: "http", url: mcp.url },
    });
    await saveSecret({ userId: h.userId, name: "GITHUB_TOKEN", value: GITHUB_TOKEN });
    await saveSecret({ userId: h.userId, name: "SLACK_WEBHOOK", value: `${slack.url}/slack/ok` });
    await saveSecret({
      userId: h.userId,
      name: "SALES_SLACK_WEBHOOK",
      value: `${slack.url}/slack/sales`,
    });
  });

  afterAll(() => {
    // One test per template: a template added without one fails here.
    expect([...tested].sort()).toEqual(TEMPLATES.map((t) => t.id).sort());
  });

  /** The template filled in with `values`, saved in the thread and approved. */
  async function approved(
    id: string,
    values: Record<string, string | number>,
    rewrite?: (json: string) => string,
  ) {
    tested.add(id);
    const template = getTemplate(id);
    if (!template) throw new Error(`no template ${id}`);
    const filled = fillTemplate(template, values, { timezone: "Europe/Berlin" });
    expect(filled.issues).toEqual([]);
    expect(filled.missing).toEqual([]);
    const plan = rewrite ? JSON.parse(rewrite(JSON.stringify(filled.plan))) : filled.plan;
    const { workflow, version } = await workflowQueries.createWorkflow({
      userId: h.userId,
      threadId,
      title: plan.title,
      plan,
      author: "model",
    });
    await workflowQueries.approveWorkflowVersion({
      userId: h.userId,
      workflowId: workflow.id,
      versionId: version.id,
    });
    return workflow.id;
  }

  const steps = async (runId: string) =>
    Object.fromEntries(
      (await runQueries.listRunSteps({ runId })).map((s) => [s.stepId, s] as const),
    );

  /**
   * The text of every message runs of this workflow posted (chat.post); a webhook workflow's
   * posts are gathered per minute in one batch message.
   */
  async function posted(workflowId: string) {
    type Part = {
      type: string;
      text?: string;
      data?: { workflowId?: string; posts?: { text: string }[] };
    };
    return (await queries.getMessages({ threadId }))
      .flatMap((m) => {
        const parts = m.parts as Part[];
        const ownPost =
          (m.metadata as { workflowRun?: { workflowId?: string } } | null)?.workflowRun
            ?.workflowId === workflowId;
        return parts.flatMap((p) =>
          p.type === "text" && ownPost
            ? [p.text ?? ""]
            : p.type === "data-batch" && p.data?.workflowId === workflowId
              ? (p.data.posts ?? []).map((post) => post.text)
              : [],
        );
      })
      .join("\n---\n");
  }

  async function webhook(workflowId: string, body: unknown) {
    const response = await hooks.POST(
      new Request("http://app.test/api/hooks/x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({ token: webhookToken(workflowId) }) } as never,
    );
    expect(response.status).toBe(202);
    return String((await response.json()).runId);
  }

  async function waiting(runId: string, stepId: string) {
    await h.waitFor(async () => {
      const step = (await steps(runId))[stepId];
      return step?.status === "waiting" ? true : undefined;
    }, `${stepId} to wait`);
  }

  async function callResume(url: string, body: unknown) {
    const token = url.split("/").at(-1) as string;
    const response = await resume.POST(
      new Request(url, { method: "POST", body: JSON.stringify(body) }),
      { params: Promise.resolve({ token }) },
    );
    expect(response.status).toBe(202);
  }

  const sample = (p: string) => `${demo.url}${p}`;

  it("incident-digest: summarizes the open incidents and calls out the sev-1", async () => {
    const id = await approved("incident-digest", { incidentsUrl: sample("/demo/incidents") });
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    const text = await posted(id);
    expect(text).toContain("**Open incidents**\n\n3 items:");
    expect(text).toContain("**Sev-1 open:** Checkout API returns 502 for card payments");
  });

  it("morning-routine: the forecast and today's meetings in one briefing", async () => {
    const id = await approved("morning-routine", {
      weatherUrl: sample("/demo/weather"),
      calendarServer: "cal",
      time: "6:30",
    });
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    const s = await steps(run.id);
    expect(s.weather.status).toBe("succeeded");
    expect(s.events.output).toMatchObject({ text: "09:30 Stand-up; 14:00 Design review with Ada" });
    expect(await posted(id)).toContain("**Good morning**");
  });

  it("calendar-digest: today's meetings from the calendar's MCP server", async () => {
    const id = await approved("calendar-digest", { calendarServer: "cal" });
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    // The arguments bound the local day in the plan's zone.
    const events = (await steps(run.id)).events.input as { arguments: { from: string } };
    expect(events.arguments.from).toMatch(/T2[23]:00:00(\.000)?Z$/);
    expect(await posted(id)).toMatch(/\*\*Today, \d{4}-\d{2}-\d{2}\*\*/);
  });

  it("rss-digest: posts the feed's items once, and nothing the next time", async () => {
    const id = await approved("rss-digest", { feedUrl: sample("/demo/feed.xml") });
    const first = await h.finished((await h.start(id)).id);
    expect(first.status).toBe("succeeded");
    const text = await posted(id);
    expect(text).toContain("**New in the feed**");
    expect(text).toContain(
      "- [Durable workflows, explained](https://blog.flowchat.invalid/durable-workflows)",
    );
    const second = await h.finished((await h.start(id)).id);
    expect(second.status).toBe("succeeded");
    const s = await steps(second.id);
    expect(s.fresh.output).toEqual([]);
    expect(s.post.status).toBe("skipped");
    expect(await posted(id)).toBe(text);
  });

  it("weekly-report: emails the report to the address given", async () => {
    const id = await approved("weekly-report", {
      dataUrl: sample("/demo/sales"),
      to: "boss@acme.test",
    });
    const before = smtp.messages.length;
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    const mail = smtp.messages.slice(before).at(-1);
    expect(mail?.to).toEqual(["boss@acme.test"]);
    expect(mail?.raw).toMatch(/Subject: Weekly report, week of \d{4}-\d{2}-\d{2}/);
    expect(mail?.raw).toContain("revenue");
  });

  it("github-pr-summary: reads the pull requests with the token secret", async () => {
    const id = await approved("github-pr-summary", { repo: "acme/widgets" }, (json) =>
      json.replace("https://api.github.com", githubUrl),
    );
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    expect(githubRequests.at(-1)).toEqual({
      url: "/repos/acme/widgets/pulls?state=open&per_page=50",
      authorization: `Bearer ${GITHUB_TOKEN}`,
    });
    const text = await posted(id);
    expect(text).toContain("**Open pull requests (2)**");
    expect(text).toContain("Templates gallery (ada)");
  });

  it("status-monitor: quiet while up; when down, alerts and waits for the acknowledgement", async () => {
    const up = await approved("status-monitor", { statusUrl: sample("/demo/status") });
    const quiet = await h.finished((await h.start(up)).id);
    expect(quiet.status).toBe("succeeded");
    const s = await steps(quiet.id);
    expect([s.alert.status, s.ack.status, s.escalate.status]).toEqual([
      "skipped",
      "skipped",
      "skipped",
    ]);

    const down = await approved("status-monitor", {
      statusUrl: sample("/demo/status?down=1"),
      escalateTo: "oncall@acme.test",
    });
    const run = await h.start(down);
    await waiting(run.id, "ack");
    const alert = await posted(down);
    expect(alert).toContain("**Down:** the status check failed (HTTP 503 from");
    const link = /\[Acknowledge\]\((http:\/\/app\.test\/api\/resume\/[^)]+)\)/.exec(alert)?.[1];
    expect(link).toBeDefined();
    await callResume(link as string, { by: "ada" });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const after = await steps(run.id);
    expect(after.ack.output).toMatchObject({ timedOut: false, via: "url" });
    expect(after.escalate.status).toBe("skipped");
  });

  it("retry-and-notify: retries the flaky endpoint until it answers", async () => {
    const id = await approved("retry-and-notify", { url: sample("/demo/flaky") });
    const run = await h.finished((await h.start(id)).id, 60_000);
    expect(run.status).toBe("succeeded");
    const attempts = (await runQueries.listRunSteps({ runId: run.id })).filter(
      (s) => s.stepId === "call",
    );
    expect(attempts.map((a) => a.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(await posted(id)).toContain("The call succeeded (HTTP 200).");
  }, 60_000);

  it("reminder: posts the reminder's words", async () => {
    const id = await approved("reminder", { message: "Stand up and stretch", time: "10:15" });
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    expect(await posted(id)).toBe("**Reminder:** Stand up and stretch");
  });

  it("lead-router: big companies go to sales on Slack, the others here", async () => {
    const id = await approved("lead-router", { threshold: 100 });
    const big = await h.finished(
      await webhook(id, { name: "Ada", email: "ada@big.test", company: "Big", employees: 250 }),
    );
    expect(big.status).toBe("succeeded");
    const sales = slack.requests.filter((r) => r.path === "/slack/sales");
    expect(sales).toHaveLength(1);
    expect(JSON.parse(sales[0].body).text).toBe("New lead: Ada (ada@big.test) at Big, 250 people");
    const small = await h.finished(
      await webhook(id, { name: "Bo", email: "bo@small.test", company: "Small", employees: 99 }),
    );
    expect(small.status).toBe("succeeded");
    expect(slack.requests.filter((r) => r.path === "/slack/sales")).toHaveLength(1);
    expect(await posted(id)).toBe("New lead: Bo (bo@small.test) at Small");
  });

  it("translate-to-slack: the webhook's text goes to Slack through the model", async () => {
    const id = await approved("translate-to-slack", { language: "German" });
    const before = slack.requests.length;
    const run = await h.finished(await webhook(id, { text: "Good morning, team" }));
    expect(run.status).toBe("succeeded");
    const sent = slack.requests.slice(before).filter((r) => r.path === "/slack/ok");
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].body).text).toContain("Good morning, team");
    expect(JSON.parse(sent[0].body).text).toContain("in German");
  });

  it("form-to-chat: posts the submission", async () => {
    const id = await approved("form-to-chat", { heading: "New contact request" });
    const run = await h.finished(await webhook(id, { name: "Ada", message: "Hi!" }));
    expect(run.status).toBe("succeeded");
    const text = await posted(id);
    expect(text).toContain("**New contact request**");
    expect(text).toContain('"name": "Ada"');
  });

  it("approval-flow: acts only on what was approved", async () => {
    const id = await approved("approval-flow", { actionUrl: sample("/demo/echo") });
    const yes = await webhook(id, { what: "a refund", amount: 40, requester: "Bo" });
    await waiting(yes, "ask");
    await answerApproval({ userId: h.userId, runId: yes, stepId: "ask", approved: true });
    expect((await h.finished(yes)).status).toBe("succeeded");
    const acted = await steps(yes);
    expect(acted.act.output).toMatchObject({
      status: 200,
      body: {
        method: "POST",
        received: { request: { what: "a refund", amount: 40 }, approvedBy: h.userId },
      },
    });
    expect(acted.declined.status).toBe("skipped");

    const no = await webhook(id, { what: "a second refund" });
    await waiting(no, "ask");
    await answerApproval({ userId: h.userId, runId: no, stepId: "ask", approved: false });
    expect((await h.finished(no)).status).toBe("succeeded");
    expect((await steps(no)).act.status).toBe("skipped");
    expect(await posted(id)).toContain("Not sent: rejected.");
  });

  it("reply-with-deadline: emails the question with an answer link, and posts the answer", async () => {
    // The deadline is a local time today (Europe/Berlin). In the day's last hour, 23:59 would
    // be minutes away (the wait would outlast the test): take one that has passed instead.
    const berlin = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Berlin",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date());
    const passed = berlin >= "23:00";
    const id = await approved("reply-with-deadline", {
      to: "bo@acme.test",
      deadline: passed ? "00:01" : "23:59",
    });
    const before = smtp.messages.length;
    const run = await h.start(id, { question: "Can we ship on Friday?" }, h.userId);
    if (passed) {
      expect((await h.finished(run.id)).status).toBe("succeeded");
      expect(await posted(id)).toContain("No answer came by the deadline.");
      return;
    }
    await waiting(run.id, "reply");
    const mail = smtp.messages.slice(before).at(-1);
    expect(mail?.to).toEqual(["bo@acme.test"]);
    // Quoted-printable: soft line breaks and escaped "=".
    const body = (mail?.raw ?? "").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    expect(body).toContain("Can we ship on Friday?");
    const link = /Answer here: (http:\/\/app\.test\/api\/resume\/\S+)/.exec(body)?.[1];
    expect(link).toBeDefined();
    await callResume(link as string, { answer: "yes" });
    expect((await h.finished(run.id)).status).toBe("succeeded");
    expect(await posted(id)).toBe('The answer came: {"answer":"yes"}');
  });

  it("chained-workflow: starts when the other workflow succeeds", async () => {
    const source = await approved("reminder", { message: "Before the chain" });
    const id = await approved("chained-workflow", { workflowId: source });
    const first = await h.finished((await h.start(source)).id);
    expect(first.status).toBe("succeeded");
    const chained = await h.waitFor(async () => {
      const rows = await runQueries.listRecentRuns({ userId: h.userId, workflowId: id });
      return rows[0]?.run;
    }, "the chained workflow to start");
    expect((await h.finished(chained.id)).status).toBe("succeeded");
    expect(await posted(id)).toBe(`The workflow I follow finished (succeeded, run ${first.id}).`);
  });

  it("mcp-tool-call: posts what the MCP tool answered", async () => {
    const id = await approved("mcp-tool-call", { server: "cal", tool: "list_tasks" });
    const run = await h.finished((await h.start(id)).id);
    expect(run.status).toBe("succeeded");
    expect(await posted(id)).toBe("3 open tasks: ship the gallery, write the docs, rest");
  });
});
