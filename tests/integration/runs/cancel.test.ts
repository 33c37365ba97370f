// Cancel means stop, on PostgreSQL and PGlite, through the embedded executor and the real
// serve() handler: the step in flight is aborted (its HTTP request, model call or SMTP send
// closed by the client within moments), its attempt recorded `cancelled` and never
// `succeeded`, nothing after it runs, child runs end with their parent, and the card shows
// every step's final state. On PostgreSQL the cancel also comes from another process, which
// reaches the executing one through the database only.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { RUN_CANCELLED_MESSAGE } from "@/inngest/functions/unit-steps";
import { aiGenerate } from "@/lib/actions/ai-generate";
import { emailSend } from "@/lib/actions/email-send";
import { httpRequest } from "@/lib/actions/http-request";
import { createLanguageModel } from "@/lib/ai/providers";
import { createRun, getRunById, listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { createNetworkPolicy } from "@/lib/net/policy";
import { cancelWatchSettings, watchedRunCount } from "@/lib/runs/cancel-watch";
import { cancelRun } from "@/lib/runs/control";
import { recordAttemptFinished, recordAttemptStarted, recordRunFinished } from "@/lib/runs/records";
import { buildTimeline } from "@/lib/runs/timeline";
import { getRunPlan } from "@/lib/runs/view";
import { toWireRunView } from "@/lib/runs/wire";
import { type HttpTarget, startHttpTarget } from "@/tests/fixtures/http-target";
import { type OpenAIServer, startOpenAIServer } from "@/tests/fixtures/openai-server";
import { type SmtpSink, startSmtpSink } from "@/tests/fixtures/smtp-server";
import { drivers } from "@/tests/helpers/database";
import { loopbackResolver } from "../actions/helpers";
import { spawnTs } from "../engine/processes";
import { ENGINE_KEYS, harnessFor, plan, type RunsHarness } from "./harness";

let http: HttpTarget;
let model: OpenAIServer;
let smtp: SmtpSink;
beforeAll(async () => {
  [http, model, smtp] = await Promise.all([
    startHttpTarget(),
    startOpenAIServer(),
    startSmtpSink({ stallDataMs: 10_000 }),
  ]);
});
afterAll(async () => {
  await Promise.all([http?.close(), model?.close()]);
  await smtp?.close();
});

/** Each unit's context: loopback allowed, the fake model, the stalling SMTP sink. */
const context = () => ({
  network: createNetworkPolicy({ allow: ["127.0.0.1"], resolve: loopbackResolver }),
  services: {
    languageModel: () => createLanguageModel({ baseURL: model.baseURL, api: "chat", model: "m" }),
    smtp: { host: smtp.host, port: smtp.port, from: "bot@flowchat.test" },
  },
});

/** How soon after the cancel the remote end must see its connection closed. */
const PROMPTLY_MS = 2_000;

const slowReply = async () => {
  await new Promise((r) => setTimeout(r, 10_000));
  return "too late";
};

async function rowsOf(runId: string, stepId: string) {
  return (await listRunSteps({ runId })).filter((row) => row.stepId === stepId);
}

/** The attempt rows and log once the cancel has settled, checked for what must never be. */
async function settled(h: RunsHarness, runId: string, lastLine = "Run cancelled") {
  const engineRunId = (await getRunById({ runId }))?.engineRunId as string;
  await h.engine.waitForRun(engineRunId, { timeoutMs: 10_000 });
  // Give a step that ignored its signal time to come back and try to record itself.
  await new Promise((r) => setTimeout(r, 500));
  const steps = await listRunSteps({ runId });
  const events = await listRunEvents({ runId });
  expect(steps.filter((row) => row.status === "running" || row.status === "waiting")).toEqual([]);
  expect(events.at(-1)?.message).toBe(lastLine);
  expect((await getRunById({ runId }))?.status).toBe("cancelled");
  return { steps, events };
}

async function timelineOf(runId: string) {
  const run = (await getRunById({ runId }))!;
  const steps = await listRunSteps({ runId });
  const events = await listRunEvents({ runId });
  const { plan: pinned, workflowTitle, children } = await getRunPlan({ run, steps });
  const timeline = buildTimeline(
    toWireRunView({ run, steps, events, plan: pinned, workflowTitle, children }),
  );
  return Object.fromEntries(timeline.steps.map((step) => [step.step.id, step.state]));
}

describe.each(drivers)("cancelling a run on %s", (driver) => {
  const h = harnessFor(driver, { actions: [httpRequest, aiGenerate, emailSend], context });

  it("closes the HTTP request in flight, records it cancelled and runs nothing after it", async () => {
    const key = `after-http-${driver}`;
    const workflowId = await h.workflow(
      plan([
        { id: "first", action: "transform", input: { value: 1 } },
        {
          id: "fetch",
          action: "http.request",
          after: ["first"],
          input: { url: `${http.url}/hold?ms=10000` },
        },
        { id: "after", action: "test.count", after: ["fetch"], input: { key } },
      ]),
    );
    const before = http.held.length;
    const run = await h.start(workflowId);
    await h.waitFor(async () => (http.held.length > before ? true : undefined), "the request");
    const held = http.held[before];
    // A GET only reads: its start is written once it has run START_RECORD_DELAY_MS (a read
    // cancelled sooner is covered in quick-records.test.ts); cancel once it shows running.
    await h.waitFor(
      async () => ((await rowsOf(run.id, "fetch"))[0]?.status === "running" ? true : undefined),
      "the fetch recorded as running",
    );

    const cancelledAt = Date.now();
    expect(await cancelRun({ userId: h.userId, runId: run.id, client: h.client })).toEqual({
      cancelled: true,
      status: "cancelled",
    });
    await h.waitFor(
      async () => (held.closedByClientAt !== undefined ? true : undefined),
      "the client to close the request",
      PROMPTLY_MS,
    );
    expect(held.answered).toBe(false);
    expect((held.closedByClientAt as number) - cancelledAt).toBeLessThan(PROMPTLY_MS);

    const { events } = await settled(h, run.id);
    const fetch = await rowsOf(run.id, "fetch");
    expect(fetch).toHaveLength(1);
    expect(fetch[0]).toMatchObject({ attempt: 1, status: "cancelled", output: null });
    expect(fetch[0].finishedAt).not.toBeNull();
    expect(fetch[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(await rowsOf(run.id, "after")).toEqual([]);
    expect(h.effects.counts.get(key)).toBeUndefined();
    const messages = events.map((event) => event.message);
    expect(messages).toContain("fetch cancelled");
    expect(messages.filter((m) => /^fetch (succeeded|failed)/.test(m))).toEqual([]);
    expect(messages.indexOf("fetch cancelled")).toBeLessThan(messages.indexOf("Run cancelled"));
    expect(await timelineOf(run.id)).toEqual({
      first: "succeeded",
      fetch: "cancelled",
      after: "not-run",
    });
    expect(watchedRunCount()).toBe(0);
  });

  it("closes a model call and an SMTP send that are in flight together", async () => {
    model.reset();
    model.script(slowReply);
    const closedModelCalls = model.closedByClient;
    const smtpBefore = { data: smtp.dataStarted, closed: smtp.closedSessions };
    const workflowId = await h.workflow(
      plan([
        { id: "summarize", action: "ai.generate", input: { prompt: "Summarize the incidents" } },
        {
          id: "mail",
          action: "email.send",
          input: { to: "ada@example.com", subject: "Digest", text: "Two incidents." },
        },
        { id: "after", action: "test.count", after: ["summarize", "mail"], input: { key: "x" } },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(
      async () =>
        model.requests.length === 1 && smtp.dataStarted > smtpBefore.data ? true : undefined,
      "the model call and the SMTP send",
    );

    await cancelRun({ userId: h.userId, runId: run.id, client: h.client });
    await h.waitFor(
      async () =>
        model.closedByClient > closedModelCalls && smtp.closedSessions > smtpBefore.closed
          ? true
          : undefined,
      "the model call and the SMTP connection to close",
      PROMPTLY_MS,
    );
    expect(smtp.messages).toEqual([]);

    await settled(h, run.id);
    expect((await rowsOf(run.id, "summarize")).map((row) => row.status)).toEqual(["cancelled"]);
    expect((await rowsOf(run.id, "mail")).map((row) => row.status)).toEqual(["cancelled"]);
    expect(await timelineOf(run.id)).toEqual({
      summarize: "cancelled",
      mail: "cancelled",
      after: "not-run",
    });
  });

  it("never starts a step's action once the run is cancelled, even before the engine knows", async () => {
    const key = `late-${driver}`;
    const workflowId = await h.workflow(
      plan([
        { id: "nap", action: "wait.delay", input: { duration: "2s" } },
        { id: "late", action: "test.count", after: ["nap"], input: { key } },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the run to sleep",
    );
    // The record only: the engine is not told, so it wakes the run and schedules `late`.
    await recordRunFinished({ runId: run.id, status: "cancelled" });
    expect((await rowsOf(run.id, "nap")).map((row) => row.status)).toEqual(["cancelled"]);

    const engineRunId = (await getRunById({ runId: run.id }))?.engineRunId as string;
    const engineRun = await h.engine.waitForRun(engineRunId, { timeoutMs: 15_000 });
    // The unit found its run cancelled and ended the function: nothing ran after it, not even
    // the interpreter's `finish` (which would announce a failed run to event triggers).
    expect(engineRun.status).toBe("failed");
    expect((engineRun.error as { message?: string }).message).toBe(RUN_CANCELLED_MESSAGE);
    const engineSteps = engineRun.steps.map((step) => step.name);
    expect(engineSteps).toContain("late");
    expect(engineSteps).not.toContain("finish");
    expect(engineSteps).not.toContain("announce-finished");
    expect(h.effects.counts.get(key)).toBeUndefined();
    expect(await rowsOf(run.id, "late")).toEqual([]);
    const events = await listRunEvents({ runId: run.id });
    expect(events.at(-1)?.message).toBe("Run cancelled");
    expect((await getRunById({ runId: run.id }))?.status).toBe("cancelled");
    expect(await timelineOf(run.id)).toEqual({ nap: "cancelled", late: "not-run" });
  });

  it("cancels the child run a workflow.run step is running, and the child's step in flight", async () => {
    const child = await h.workflow(
      plan([{ id: "call", action: "http.request", input: { url: `${http.url}/hold?ms=10000` } }]),
    );
    const parent = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: child } }]),
    );
    const before = http.held.length;
    const run = await h.start(parent);
    await h.waitFor(async () => (http.held.length > before ? true : undefined), "the child's call");
    const [sub] = await rowsOf(run.id, "sub");
    expect(sub.status).toBe("running");
    const childRun = (await getRunPlan({ run: (await getRunById({ runId: run.id }))!, steps: [] }))
      .children.sub;

    await cancelRun({ userId: h.userId, runId: run.id, client: h.client });
    await h.waitFor(
      async () => (http.held[before].closedByClientAt !== undefined ? true : undefined),
      "the child's request to close",
      PROMPTLY_MS,
    );
    expect((await getRunById({ runId: childRun }))?.status).toBe("cancelled");
    await settled(h, run.id);
    // The child ends with its parent (cancel-child-runs), saying so.
    await settled(h, childRun, `Run cancelled with its parent run ${run.id}`);
    expect((await rowsOf(run.id, "sub")).map((row) => row.status)).toEqual(["cancelled"]);
    expect((await rowsOf(childRun, "call")).map((row) => row.status)).toEqual(["cancelled"]);
  });

  it("records nothing as succeeded or failed after the cancel, and ends open attempts with it", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: 1 } },
        { id: "w", action: "wait.approval", input: { prompt: "ok?" } },
      ]),
    );
    const { prepareRun } = await import("@/lib/runs/start-run");
    const run = await prepareRun({ userId: h.userId, workflowId });
    const startedAt = new Date(Date.now() - 1_000);
    await recordAttemptStarted({ runId: run.id, unitId: "a", attempt: 1, startedAt });
    await recordAttemptStarted({
      runId: run.id,
      unitId: "w",
      attempt: 1,
      startedAt,
      status: "waiting",
    });

    expect(await recordRunFinished({ runId: run.id, status: "cancelled" })).toBe(true);
    const cut = await listRunSteps({ runId: run.id });
    expect(cut.map((row) => [row.stepId, row.status])).toEqual([
      ["a", "cancelled"],
      ["w", "cancelled"],
    ]);
    for (const row of cut) expect(row.durationMs).toBeGreaterThanOrEqual(1_000);
    const log = (await listRunEvents({ runId: run.id })).map((event) => event.message);
    expect(log.slice(-3)).toEqual(["a cancelled", "w cancelled", "Run cancelled"]);

    // The step comes back after the cancel with its result: it stays cancelled.
    const late = await recordAttemptFinished({
      runId: run.id,
      unitId: "a",
      attempt: 1,
      status: "succeeded",
      output: { late: true },
      startedAt,
      finishedAt: new Date(),
    });
    expect(late).toBe("cancelled");
    const failedLate = await recordAttemptFinished({
      runId: run.id,
      unitId: "a",
      attempt: 2,
      status: "failed",
      error: { message: "boom" },
      startedAt,
      finishedAt: new Date(),
    });
    expect(failedLate).toBe("cancelled");
    const rows = await rowsOf(run.id, "a");
    expect(rows.map((row) => [row.attempt, row.status, row.output])).toEqual([
      [1, "cancelled", null],
      [2, "cancelled", null],
    ]);
    const messages = (await listRunEvents({ runId: run.id })).map((event) => event.message);
    expect(messages.filter((m) => /succeeded|failed/.test(m))).toEqual([]);

    // Another run's attempts are untouched by this guard.
    const other = await createRun({
      workflowId,
      versionId: run.versionId,
      userId: h.userId,
      trigger: { type: "manual" },
    });
    await recordAttemptStarted({ runId: other.id, unitId: "a", attempt: 1, startedAt });
    expect(
      await recordAttemptFinished({
        runId: other.id,
        unitId: "a",
        attempt: 1,
        status: "succeeded",
        output: 1,
        startedAt,
        finishedAt: new Date(),
      }),
    ).toBe("succeeded");
  });

  it.runIf(driver === "postgres")(
    "stops the step when another process cancels the run (through the database only)",
    async () => {
      const workflowId = await h.workflow(
        plan([
          { id: "fetch", action: "http.request", input: { url: `${http.url}/hold?ms=10000` } },
        ]),
      );
      // Only the notification may end the step in time: the backstop poll is out of reach.
      const pollMs = cancelWatchSettings.pollMs;
      cancelWatchSettings.pollMs = 60_000;
      onTestFinished(() => {
        cancelWatchSettings.pollMs = pollMs;
      });
      const before = http.held.length;
      const run = await h.start(workflowId);
      await h.waitFor(async () => (http.held.length > before ? true : undefined), "the request");

      const canceller = spawnTs(
        "tests/fixtures/runs/cancel-from-process.ts",
        [],
        {
          DATABASE_URL: h.database.url,
          ENGINE_URL: h.engine.url,
          INNGEST_SIGNING_KEY: ENGINE_KEYS.signingKey,
          INNGEST_EVENT_KEY: ENGINE_KEYS.eventKey,
          RUN_ID: run.id,
          USER_ID: h.userId,
          NODE_OPTIONS: "--conditions=react-server",
        },
        { direct: true },
      );
      const code = await canceller.exited;
      expect(code, canceller.output()).toBe(0);
      const answer = JSON.parse(canceller.output().trim().split("\n").at(-1) as string);
      expect(answer).toMatchObject({ cancelled: true, status: "cancelled" });
      expect(answer.pid).not.toBe(process.pid);
      // When the other process committed the cancel.
      const cancelledAt = (await getRunById({ runId: run.id }))?.finishedAt?.getTime() as number;

      await h.waitFor(
        async () => (http.held[before].closedByClientAt !== undefined ? true : undefined),
        "the client to close the request",
        PROMPTLY_MS,
      );
      expect((http.held[before].closedByClientAt as number) - cancelledAt).toBeLessThan(
        PROMPTLY_MS,
      );
      await settled(h, run.id);
      expect((await rowsOf(run.id, "fetch")).map((row) => row.status)).toEqual(["cancelled"]);
    },
  );
});
