// Test runs on the embedded executor, through the real serve() handler and the app's own
// action context (stored secrets, the database's store, env network policy and SMTP), on
// PostgreSQL and PGlite: a plan with a GET, a POST, an email, a Slack post, a chat post, a
// store write, an approval and a child workflow runs in test mode. The loopback HTTP fixture
// receives only the GET, the SMTP fixture nothing, the store and the thread stay as they were
// (but for the test's own card), no child run starts, the wait takes the chosen branch at
// once, and the run is a test: left out of the history, the metrics and the last-run reads.
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { resetEnvForTests } from "@/lib/env";
import { drivers } from "@/tests/helpers/database";
import { startHttpTarget } from "../../fixtures/http-target";
import { startSmtpSink } from "../../fixtures/smtp-server";
import { harnessFor } from "./harness";

const target = await startHttpTarget();
const smtp = await startSmtpSink();
process.env.HTTP_ALLOWLIST = `127.0.0.1:${target.port}`;
process.env.SMTP_URL = smtp.url;
process.env.SMTP_FROM = "flowchat@example.test";
process.env.SECRETS_KEY = Buffer.alloc(32, 7).toString("base64");
resetEnvForTests();

const { startTestRun } = await import("@/lib/runs/test-run");
const { testReport } = await import("@/lib/runs/test-report");
const { getRunView, getRunPlan } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");
const { saveSecret } = await import("@/lib/secrets/store");
const queries = await import("@/lib/db/queries");
const workflowQueries = await import("@/lib/db/workflow-queries");
const runQueries = await import("@/lib/db/run-queries");
const { getStoreEntry } = await import("@/lib/db/store-queries");
const { listRunHistory, getDashboard } = await import("@/lib/db/history-queries");
const { getWorkflowMetrics } = await import("@/lib/db/history-queries");
const { AppError } = await import("@/lib/errors");

const API_TOKEN = "tok-9f8e7d6c5b4a39281706";
let counter = 0;

function fullPlan(prefix: string, childId: string) {
  return {
    version: 1,
    title: `Morning check ${prefix}`,
    trigger: { type: "manual", inputs: { who: { type: "string", default: "Ana" } } },
    steps: [
      {
        id: "fetch",
        title: "Fetch incidents",
        action: "http.request",
        input: { url: `${target.url}/json?p=${prefix}` },
      },
      {
        id: "post",
        title: "File a ticket",
        action: "http.request",
        after: ["fetch"],
        input: {
          url: `${target.url}/echo/${prefix}`,
          method: "POST",
          headers: { Authorization: "Bearer {{ secrets.API_TOKEN }}" },
          body: {
            count: "{{ $count(steps.fetch.output.body.items) }}",
            who: "{{ trigger.inputs.who }}",
          },
        },
      },
      {
        id: "mail",
        title: "Email the on-call",
        action: "email.send",
        after: ["fetch"],
        input: {
          to: "oncall@example.com",
          subject: "Incidents for {{ trigger.inputs.who }}",
          text: "{{ $count(steps.fetch.output.body.items) }} open",
        },
      },
      {
        id: "slack",
        action: "slack.post",
        after: ["fetch"],
        input: { webhook: "{{ secrets.SLACK_WEBHOOK }}", text: "Heads up" },
      },
      {
        id: "say",
        action: "chat.post",
        after: ["fetch"],
        input: { text: "Found {{ $count(steps.fetch.output.body.items) }}" },
      },
      {
        id: "save",
        action: "store.set",
        after: ["fetch"],
        input: { key: "last", value: "{{ steps.fetch.output.body.items }}" },
      },
      {
        id: "approve",
        action: "wait.approval",
        after: ["fetch"],
        input: { prompt: "Run the sync?", timeout: "1d" },
      },
      {
        id: "child",
        title: "Run the sync",
        action: "workflow.run",
        after: ["approve"],
        if: "steps.approve.output.approved",
        input: { workflow: childId, input: {} },
      },
      {
        id: "declined",
        action: "chat.post",
        after: ["approve"],
        if: "steps.approve.output.approved = false",
        input: { text: "Not now" },
      },
      { id: "read", action: "store.get", after: ["save"], input: { key: "last" } },
    ],
    onFailure: [{ id: "alert", action: "chat.post", input: { text: "The check failed" } }],
  };
}

describe.each(drivers)("test runs on %s", (driver) => {
  const h = harnessFor(driver, { registry: () => actionRegistry, serverContext: true });

  /** The user's workflow in a thread of theirs, with its approved child, secrets stored. */
  async function setUp(plan: (prefix: string, childId: string) => unknown) {
    const prefix = `${driver}${++counter}`;
    const userId = await h.user(`tester-${prefix}-${Date.now()}@example.com`);
    const { thread } = await queries.getOrCreateThread({
      id: crypto.randomUUID(),
      userId,
      title: "Tests",
    });
    const child = await workflowQueries.createWorkflow({
      userId,
      threadId: thread.id,
      title: `Sync ${prefix}`,
      plan: {
        version: 1,
        title: `Sync ${prefix}`,
        trigger: { type: "manual" },
        steps: [{ id: "x", action: "transform", input: { value: 1 } }],
      },
      author: "person",
    });
    await workflowQueries.approveWorkflowVersion({
      userId,
      workflowId: child.workflow.id,
      versionId: child.version.id,
    });
    // A draft, never approved: a test runs drafts.
    const { workflow, version } = await workflowQueries.createWorkflow({
      userId,
      threadId: thread.id,
      title: `Morning check ${prefix}`,
      plan: plan(prefix, child.workflow.id),
      author: "model",
    });
    await saveSecret({ userId, name: "API_TOKEN", value: API_TOKEN });
    await saveSecret({ userId, name: "SLACK_WEBHOOK", value: `${target.url}/slack/${prefix}` });
    return {
      prefix,
      userId,
      threadId: thread.id,
      workflowId: workflow.id,
      versionId: version.id,
      childId: child.workflow.id,
    };
  }

  async function reportOf(userId: string, runId: string) {
    const records = await getRunView({ userId, runId });
    const planView = await getRunPlan({ run: records.run, steps: records.steps });
    return testReport(toWireRunView({ ...records, ...planView }));
  }

  it("sends nothing but GETs, takes the chosen branch and stays out of the history", async () => {
    const s = await setUp(fullPlan);
    const before = target.requests.length;
    const { run, message } = await startTestRun({
      userId: s.userId,
      workflowId: s.workflowId,
      inputs: { who: "Bo" },
      waits: { approve: "approved" },
      client: h.client,
    });
    expect(run.test).toEqual({ waits: { approve: "approved" } });
    expect(run.versionId).toBe(s.versionId);
    expect(message?.parts[0]).toMatchObject({ type: "data-run", data: { test: true } });
    const ended = await h.finished(run.id);
    expect(ended.status).toBe("succeeded");

    // The loopback fixture saw the GET and nothing else; the SMTP fixture nothing at all.
    const seen = target.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /json"]);
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.dataStarted).toBe(0);

    const report = await reportOf(s.userId, run.id);
    const by = Object.fromEntries(report.steps.map((step) => [step.stepId, step]));
    expect(by.fetch.outcome).toBe("ran");
    expect(by.fetch.output).toMatchObject({ status: 200, body: { items: [{ id: 1 }, { id: 2 }] } });
    expect(by.post).toMatchObject({ outcome: "simulated" });
    expect(by.post.wouldSend?.[0]).toMatchObject({
      kind: "http",
      method: "POST",
      url: `${target.url}/echo/${s.prefix}`,
      headers: expect.objectContaining({ Authorization: "Bearer [secret:API_TOKEN]" }),
      payload: { count: 2, who: "Bo" },
    });
    expect(by.mail.wouldSend?.[0]).toMatchObject({
      kind: "email",
      to: ["oncall@example.com"],
      from: "flowchat@example.test",
      subject: "Incidents for Bo",
      body: "2 open",
      outside: true,
    });
    expect(by.slack.wouldSend?.[0]).toMatchObject({
      kind: "slack",
      url: target.url,
      outside: true,
    });
    expect(by.say.wouldSend?.[0]).toMatchObject({ kind: "chat", body: "Found 2" });
    expect(by.save.wouldSend?.[0]).toMatchObject({
      kind: "store",
      key: "last",
      payload: [{ id: 1, severity: "sev-1" }, { id: 2 }],
    });
    expect(by.approve.wouldSend?.[0]).toMatchObject({ kind: "approval", branch: "approved" });
    expect(by.child.wouldSend?.[0]).toMatchObject({
      kind: "workflow",
      workflow: { id: s.childId, title: `Sync ${s.prefix}` },
    });
    expect(by.declined).toMatchObject({ outcome: "skipped", reason: "condition was false" });
    // The store was not written: the real read finds nothing.
    expect(by.read).toMatchObject({ outcome: "ran", output: { found: false, value: null } });
    expect(by.alert).toMatchObject({
      outcome: "not reached",
      reason: "runs only if the run fails",
    });
    expect(report.counts).toEqual({
      ran: 2,
      simulated: 7,
      skipped: 1,
      "not reached": 1,
      failed: 0,
    });
    // No secret value anywhere in what the test recorded.
    expect(JSON.stringify(report)).not.toContain(API_TOKEN);

    // Nothing was written, posted or started.
    expect(await getStoreEntry({ workflowId: s.workflowId, key: "last" })).toBeUndefined();
    expect(
      await runQueries.listRunsForWorkflow({ workflowId: s.childId, userId: s.userId }),
    ).toEqual([]);
    const messages = await queries.getMessages({ threadId: s.threadId });
    expect(messages.map((m) => m.id)).toEqual([`run_${run.id}_card`]);

    // A test is not history: not listed, not counted, not the last run.
    expect((await listRunHistory({ userId: s.userId, workflowId: s.workflowId })).runs).toEqual([]);
    const metrics = await getWorkflowMetrics({
      userId: s.userId,
      workflowId: s.workflowId,
      window: "7d",
      timeZone: "UTC",
    });
    expect(metrics?.runs).toBe(0);
    expect(metrics?.steps).toEqual([]);
    const dashboard = await getDashboard({ userId: s.userId, window: "7d", timeZone: "UTC" });
    expect(dashboard.find((row) => row.workflowId === s.workflowId)).toMatchObject({
      lastRun: null,
      runs: 0,
    });
    expect(await runQueries.listRecentRuns({ userId: s.userId })).toEqual([]);
    expect((await runQueries.getRunById({ runId: run.id }))?.rolledUp).toBe(true);
  });

  it("takes the timeout branch of a wait nobody chose a way for", async () => {
    const s = await setUp(fullPlan);
    const { run } = await startTestRun({
      userId: s.userId,
      workflowId: s.workflowId,
      client: h.client,
    });
    expect((await h.finished(run.id)).status).toBe("succeeded");
    const report = await reportOf(s.userId, run.id);
    const by = Object.fromEntries(report.steps.map((step) => [step.stepId, step]));
    expect(by.approve.wouldSend?.[0]).toMatchObject({ branch: "timeout" });
    expect(by.child).toMatchObject({ outcome: "skipped" });
    expect(by.declined).toMatchObject({ outcome: "simulated" });
  });

  it("reports the step that would fail, and what its failure handler would send", async () => {
    const s = await setUp((prefix) => ({
      version: 1,
      title: `Failing ${prefix}`,
      trigger: { type: "manual" },
      steps: [
        {
          id: "fetch",
          action: "http.request",
          input: { url: `${target.url}/status/500?p=${prefix}` },
        },
        {
          id: "post",
          action: "http.request",
          after: ["fetch"],
          input: { url: `${target.url}/echo`, method: "POST", body: {} },
        },
      ],
      onFailure: [
        { id: "alert", action: "chat.post", input: { text: "Failed: {{ error.message }}" } },
      ],
    }));
    const before = target.requests.length;
    const { run } = await startTestRun({
      userId: s.userId,
      workflowId: s.workflowId,
      client: h.client,
    });
    const ended = await h.finished(run.id);
    expect(ended.status).toBe("failed");
    expect(target.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
    const report = await reportOf(s.userId, run.id);
    const by = Object.fromEntries(report.steps.map((step) => [step.stepId, step]));
    expect(by.fetch).toMatchObject({
      outcome: "failed",
      error: expect.stringContaining("HTTP 500"),
    });
    expect(by.post).toMatchObject({ outcome: "not reached" });
    expect(by.alert).toMatchObject({ outcome: "simulated" });
    expect(by.alert.wouldSend?.[0].body).toMatch(/^Failed: HTTP 500/);
    // Even a failed test posts nothing but its card.
    const messages = await queries.getMessages({ threadId: s.threadId });
    expect(messages.map((m) => m.id)).toEqual([`run_${run.id}_card`]);
  });

  it("refuses waits the plan does not have, branches a wait cannot take, and missing secrets", async () => {
    const s = await setUp(fullPlan);
    const start = (over: Record<string, unknown>) =>
      startTestRun({ userId: s.userId, workflowId: s.workflowId, client: h.client, ...over }).then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(await start({ waits: { nope: "approved" } })).toMatchObject({
      status: 400,
      message: expect.stringContaining('no wait step "nope"'),
    });
    expect(await start({ waits: { approve: "event" } })).toMatchObject({
      status: 400,
      message: expect.stringContaining("timeout, approved, rejected"),
    });
    expect(await start({ waits: { fetch: "approved" } })).toMatchObject({ status: 400 });
    expect(await start({ inputs: { who: 5 } })).toMatchObject({ status: 400 });
    expect(await start({ trigger: { body: 1 } })).toMatchObject({ status: 400 });
    const other = await h.user();
    const notMine = await startTestRun({
      userId: other,
      workflowId: s.workflowId,
      client: h.client,
    }).catch((e: unknown) => e);
    expect(notMine).toBeInstanceOf(AppError);
    expect((notMine as InstanceType<typeof AppError>).status).toBe(404);
    const { deleteSecret } = await import("@/lib/secrets/store");
    await deleteSecret({ userId: s.userId, name: "SLACK_WEBHOOK" });
    expect(await start({})).toMatchObject({
      status: 409,
      message: expect.stringContaining("SLACK_WEBHOOK"),
    });
  });

  it("cannot be re-run: a test is tested again", async () => {
    const s = await setUp(fullPlan);
    const { run } = await startTestRun({
      userId: s.userId,
      workflowId: s.workflowId,
      client: h.client,
    });
    await h.finished(run.id);
    const { startRerun } = await import("@/lib/runs/rerun");
    await expect(
      startRerun({ userId: s.userId, runId: run.id, from: "start", client: h.client }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("test run"),
    });
  });
});
