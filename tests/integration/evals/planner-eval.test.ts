// The planner evaluation in CI: the harness runs the corpus through the chat's real tools and
// repair loop against recorded model responses (replayed by the local OpenAI-compatible server
// through the real @ai-sdk/openai provider), deliberately wrong recordings fail with the right
// check, and a few requests go to the demo model.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLanguageModel } from "@/lib/ai/providers";
import { DEMO_MODEL_ID, demoReply } from "@/lib/demo-model/demo";
import { sampleRoutes } from "@/lib/demo-model/samples";
import { startOpenAIServer } from "@/lib/demo-model/server";
import { resetEnvForTests } from "@/lib/env";
import { CORPUS, EVAL_MCP_SERVERS, EVAL_TIMEZONE } from "../../evals/planner/corpus";
import { type FixtureServer, startFixtures } from "../../evals/planner/fixtures";
import type { Harness } from "../../evals/planner/harness";
import { measuringFetch } from "../../evals/planner/measure";
import { startReplay } from "../../evals/planner/replay";
import { RECORDED_DIR, readRecording, runEval } from "../../evals/planner/run-eval";

const WRONG_DIR = path.join(RECORDED_DIR, "wrong");
const WRONG_IDS = [
  "incident-digest-sev1-email",
  "remind-in-20-minutes",
  "ambiguous-weekly-report",
  "cannot-phone-call",
  "price-drop-alert",
  "lead-router",
  "standup-reminder-weekdays",
];

describe("the planner evaluation", () => {
  let fixtures: FixtureServer;
  let harness: Harness;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Test-run steps log each request through console.info.
    vi.spyOn(console, "info").mockImplementation(() => {});
    fixtures = await startFixtures();
    delete process.env.DATABASE_URL;
    process.env.HTTP_ALLOWLIST = new URL(fixtures.url).host;
    resetEnvForTests();
    const { openHarness } = await import("../../evals/planner/harness");
    harness = await openHarness({
      timezone: EVAL_TIMEZONE,
      fixturesUrl: fixtures.url,
      mcpServers: EVAL_MCP_SERVERS,
    });
  });
  afterAll(async () => {
    await harness?.close();
    await fixtures?.close();
    process.env = saved;
    resetEnvForTests();
    vi.restoreAllMocks();
  });

  async function replayed(dir: string, ids: string[]) {
    const replay = await startReplay({ dir, timezone: EVAL_TIMEZONE });
    const measuring = measuringFetch();
    try {
      const report = await runEval({
        harness,
        model: createLanguageModel({
          baseURL: replay.baseURL,
          model: "recorded",
          api: "chat",
          fetch: measuring.fetch,
        }),
        modelId: "recorded",
        baseURL: "recorded responses",
        cases: CORPUS.filter((c) => ids.includes(c.id)),
        beforeRun: (evalCase, now) => replay.prepare(evalCase, now, harness),
        measured: () => {
          const first = measuring.first();
          return first && { ...first, mcpSectionBytes: 0 };
        },
      });
      return { report, requests: replay.server.requests };
    } finally {
      await replay.close();
    }
  }

  it("passes every request of the corpus with the recorded answers of a good model", async () => {
    const { report } = await replayed(
      RECORDED_DIR,
      CORPUS.map((c) => c.id),
    );
    const failures = report.cases
      .filter((c) => c.passes !== 1)
      .map((c) => `${c.id}: ${c.runs[0].failing?.check}: ${c.runs[0].failing?.detail}`);
    expect(failures).toEqual([]);
    expect(report.summary).toMatchObject({ cases: CORPUS.length, passAt1: 1, passHatK: 1 });
    // Test runs went through the real interpreter on the fixtures: the sev-1 email was
    // simulated, the price alert skipped.
    const sev1 = report.cases.find((c) => c.id === "incident-digest-sev1-email");
    expect(sev1?.runs[0].checks.find((k) => k.name === "testRun")?.detail).toMatch(
      /alert:simulated/,
    );
    expect(report.summary.inputTokens).toBeGreaterThan(0);
    // The prompt budget is what the provider really sent: the chat's instructions and tools.
    expect(report.prompt?.tools).toBeGreaterThanOrEqual(10);
    expect(report.prompt?.systemPromptBytes).toBeGreaterThan(5_000);
  });

  it("fails each deliberately wrong recording with the check that catches it", async () => {
    const { report } = await replayed(WRONG_DIR, WRONG_IDS);
    for (const id of WRONG_IDS) {
      const recording = readRecording(WRONG_DIR, id);
      const run = report.cases.find((c) => c.id === id)?.runs[0];
      expect(run, id).toBeDefined();
      if (recording?.expectFailing) {
        expect({ id, ok: run?.ok, check: run?.failing?.check }).toEqual({
          id,
          ok: false,
          check: recording.expectFailing,
        });
      } else {
        // An invalid first attempt the repair loop sent back, fixed in the second.
        expect({ id, ok: run?.ok, repairs: run?.metrics.repairs }).toEqual({
          id,
          ok: true,
          repairs: recording?.expectRepairs,
        });
      }
    }
  });

  it("grades the demo model's answers (which plan only what fits a template)", async () => {
    const server = await startOpenAIServer({
      models: [DEMO_MODEL_ID],
      defaultReply: demoReply,
      routes: sampleRoutes(),
    });
    try {
      const report = await runEval({
        harness,
        model: createLanguageModel({ baseURL: server.baseURL, model: DEMO_MODEL_ID, api: "chat" }),
        modelId: DEMO_MODEL_ID,
        baseURL: server.baseURL,
        cases: CORPUS.filter((c) =>
          ["standup-reminder-weekdays", "remind-in-20-minutes", "cannot-phone-call"].includes(c.id),
        ),
      });
      const outcome = Object.fromEntries(
        report.cases.map((c) => [c.id, c.runs[0].ok ? "pass" : c.runs[0].failing?.check]),
      );
      expect(outcome).toEqual({
        "standup-reminder-weekdays": "pass",
        // The reminder template is a schedule; the demo model makes "in 20 minutes" a once
        // trigger (lib/demo-model/schedule.ts).
        "remind-in-20-minutes": "pass",
        "cannot-phone-call": "decline",
      });
      // Its plans went through useTemplate, then proposeWorkflow.
      const standup = report.cases.find((c) => c.id === "standup-reminder-weekdays");
      expect(standup?.runs[0].metrics.modelCalls).toBeGreaterThanOrEqual(3);
    } finally {
      await server.close();
    }
  });
});
