// Runs evaluation cases through the app's real planner path: the chat's instructions, the
// chat's whole tool set (lib/ai/chat-tools.ts: proposeWorkflow and its repair loop, the run and
// template tools), the confirmation policy, on a scratch in-memory database with the embedded
// executor (inngest/cli/cli-engine.ts), so a proposal is saved as a real draft and a test run
// of it goes through the real interpreter against the loopback fixtures. The model is any
// LanguageModel: a real endpoint, the demo model, or the replay of recorded responses.
import { isStepCount, type LanguageModel, streamText } from "ai";
import type { CliEngine } from "@/inngest/cli/cli-engine";
import type { Reply } from "@/lib/demo-model/types";
import type { Plan } from "@/lib/plan";
import type { WaitBranch } from "@/lib/plan/effects";
import type { Attempt, Expectation, TestRunOutcome } from "./graders";

/** One request of the corpus and what the right answer is. */
export interface EvalCase {
  id: string;
  level: "simple" | "medium" | "hard" | "ambiguous" | "impossible";
  /** The person's message; `{fixtures}` is the loopback fixtures' base URL. */
  request: string;
  expect: Expectation;
  /** Test-run the saved plan on the fixtures (the `testRun` checks read it). */
  testRun?: {
    /** A webhook's body or an event's data. */
    trigger?: unknown;
    inputs?: Record<string, unknown>;
    /** How each wait goes, by the wait's action (default: it times out). */
    waits?: Partial<Record<string, WaitBranch>>;
  };
  /** Workflows the person already has (by title), for requests that name them. */
  workflows?: string[];
}

export interface TurnMetrics {
  /** Failed planner attempts the repair loop counted. */
  repairs: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** Model calls in the turn. */
  modelCalls: number;
}

export interface CaseRun {
  attempt: Attempt;
  metrics: TurnMetrics;
  /** What the model answered at each step, as replies the replay server can send again. */
  replies: Reply[];
}

export interface HarnessOptions {
  /** The person's time zone in the instructions. */
  timezone: string;
  /** Base URL of the loopback fixtures (`{fixtures}` in requests). */
  fixturesUrl: string;
  /** MCP servers the person has connected (their tool lists go into the instructions). */
  mcpServers: import("@/lib/mcp/types").McpServerTools[];
}

export interface Harness {
  userId: string;
  runCase(evalCase: EvalCase, model: LanguageModel, now?: Date): Promise<CaseRun>;
  /** The text of `{fixtures}` and `{workflow:Title}` placeholders, for requests and replays. */
  expand(text: string): string;
  close(): Promise<void>;
}

/** Values for secrets a plan names, so its test run resolves them (nothing is sent anyway). */
const SECRET_PLACEHOLDER = "https://hooks.slack.com/services/T000/B000/eval";

export async function openHarness(options: HarnessOptions): Promise<Harness> {
  const { openCliEngine } = await import("@/inngest/cli/cli-engine");
  const { actionRegistry } = await import("@/lib/actions/registry");
  const secrets: Record<string, string> = {};
  const engine: CliEngine = await openCliEngine({ registry: actionRegistry, secrets });
  const userId = engine.userId;
  const workflowIds = new Map<string, string>();
  // Test runs simulate email, but only for a person who has mail set up.
  secrets.SMTP_URL = "smtp://eval:eval@127.0.0.1:2525";
  secrets.SMTP_FROM = "flowchat-eval@example.test";
  // The connected MCP servers exist for the person (at a fixture address that lists no tools,
  // so every call of a test run is simulated).
  const { createMcpServer } = await import("@/lib/db/mcp-queries");
  for (const server of options.mcpServers) {
    await createMcpServer({
      userId,
      fields: { name: server.server, transport: "http", url: `${options.fixturesUrl}/mcp` },
    }).catch(() => undefined);
  }

  const expand = (text: string) =>
    text
      .replaceAll("{fixtures}", options.fixturesUrl)
      .replace(/\{workflow:([^}]+)\}/g, (whole, title: string) => workflowIds.get(title) ?? whole);

  async function ensureWorkflows(titles: string[]) {
    const { createWorkflow } = await import("@/lib/db/workflow-queries");
    const { getOrCreateThread } = await import("@/lib/db/queries");
    for (const title of titles) {
      if (workflowIds.has(title)) continue;
      const threadId = crypto.randomUUID();
      await getOrCreateThread({ id: threadId, userId, title: "existing workflows" });
      const { workflow } = await createWorkflow({
        userId,
        threadId,
        title,
        author: "person",
        plan: {
          version: 1,
          title,
          trigger: { type: "manual" },
          steps: [{ id: "post", action: "chat.post", input: { text: `${title} ran.` } }],
        },
      });
      workflowIds.set(title, workflow.id);
    }
  }

  async function runCase(evalCase: EvalCase, model: LanguageModel, now = new Date()) {
    const { getOrCreateThread } = await import("@/lib/db/queries");
    const { getLatestVersion } = await import("@/lib/db/workflow-queries");
    const { chatTools } = await import("@/lib/ai/chat-tools");
    const { chatInstructions } = await import("@/lib/ai/prompts");
    const { createPlannerBudget } = await import("@/lib/ai/planner-attempts");
    const { chatConfirmations } = await import("@/lib/ai/tools/run-confirmations");
    const { PlanSchema } = await import("@/lib/plan");

    await ensureWorkflows(evalCase.workflows ?? []);
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId, title: evalCase.id });
    const request = expand(evalCase.request);
    const budget = createPlannerBudget();
    const turn = chatTools({ userId, threadId, timezone: options.timezone, budget });
    const confirmations = chatConfirmations({
      userId,
      threadId,
      timeZone: options.timezone,
      personText: request,
      threadWorkflowIds: [],
      outsideDataInTurn: false,
      historyLength: 1,
    });

    const started = performance.now();
    let streamError: string | undefined;
    const toolCalls: Attempt["toolCalls"] = [];
    const texts: string[] = [];
    let plan: Plan | undefined;
    const replies: Reply[] = [];
    const plannerErrors: string[] = [];
    let modelCalls = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    try {
      const result = streamText({
        model,
        instructions: chatInstructions({
          now,
          timezone: options.timezone,
          mcpServers: options.mcpServers,
          request,
        }),
        messages: [{ role: "user", content: request }],
        tools: turn.tools,
        toolApproval: confirmations.policy,
        stopWhen: [turn.stopWhen, isStepCount(12)],
        prepareStep: turn.prepareStep,
        onError: ({ error }) => {
          streamError = error instanceof Error ? error.message : String(error);
        },
      });
      for (const step of await result.steps) {
        modelCalls += 1;
        inputTokens += step.usage.inputTokens ?? 0;
        outputTokens += step.usage.outputTokens ?? 0;
        if (step.text) texts.push(step.text);
        const calls = step.content.flatMap((part) =>
          part.type === "tool-call"
            ? [{ name: part.toolName, arguments: part.input as Record<string, unknown> }]
            : [],
        );
        replies.push(
          calls.length > 0
            ? { type: "tool-calls", calls, ...(step.text ? { text: step.text } : {}) }
            : { type: "text", text: step.text },
        );
        for (const part of step.content) {
          if (part.type === "tool-call") toolCalls.push({ name: part.toolName, input: part.input });
          if (part.type === "tool-result") {
            const output = part.output as
              | { ok?: boolean; workflowId?: string; errors?: { path: string; message: string }[] }
              | undefined;
            if (output?.ok === false && output.errors && /Workflow$/.test(part.toolName)) {
              plannerErrors.push(
                output.errors.map((e) => `${e.path ? `${e.path}: ` : ""}${e.message}`).join("; "),
              );
            }
            if (output?.ok && output.workflowId && /Workflow$/.test(part.toolName)) {
              const version = await getLatestVersion({ workflowId: output.workflowId, userId });
              const parsed = PlanSchema.safeParse(version?.plan);
              if (parsed.success) plan = parsed.data;
            }
          }
        }
      }
    } catch (error) {
      streamError ??= error instanceof Error ? error.message : String(error);
    }
    const latencyMs = performance.now() - started;
    const attempt: Attempt = {
      plan,
      text: texts.join("\n"),
      toolCalls,
      plannerErrors,
      ...(streamError && !plan && texts.length === 0 ? { error: streamError } : {}),
    };
    if (plan && evalCase.testRun) {
      attempt.testRun = await testRun(plan, evalCase.testRun, now).catch(
        (error: unknown): TestRunOutcome => ({
          status: `could not start (${error instanceof Error ? error.message : String(error)})`,
          steps: [],
        }),
      );
    }
    return {
      attempt,
      metrics: { repairs: budget.failures, inputTokens, outputTokens, latencyMs, modelCalls },
      replies,
    };
  }

  /** A test run of the saved plan: reads for real (on the fixtures), side effects simulated. */
  async function testRun(
    plan: Plan,
    spec: NonNullable<EvalCase["testRun"]>,
    now: Date,
  ): Promise<TestRunOutcome> {
    const { createWorkflow } = await import("@/lib/db/workflow-queries");
    const { getOrCreateThread } = await import("@/lib/db/queries");
    const { createRun } = await import("@/lib/db/run-queries");
    const { requestRun } = await import("@/lib/runs/start-run");
    const { triggerPayload } = await import("@/lib/runs/trigger-payload");
    const { secretReferences, allSteps } = await import("@/lib/plan");
    for (const name of secretReferences(plan)) secrets[name] ??= SECRET_PLACEHOLDER;
    const built = triggerPayload(plan.trigger, {
      inputs: spec.inputs,
      payload:
        plan.trigger.type === "webhook" || plan.trigger.type === "event" ? spec.trigger : undefined,
      now,
    });
    if (!built.ok) {
      return {
        status: `not startable (${"message" in built ? built.message : "inputs refused"})`,
        steps: [],
      };
    }
    const waits: Record<string, string> = {};
    for (const step of allSteps(plan)) {
      const way = spec.waits?.[step.action];
      if (way) waits[step.id] = way;
    }
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId, title: "test runs" });
    const { workflow, version } = await createWorkflow({
      userId,
      threadId,
      title: plan.title,
      plan,
      author: "model",
    });
    const run = await createRun({
      id: crypto.randomUUID(),
      workflowId: workflow.id,
      versionId: version.id,
      userId,
      trigger: built.trigger,
      test: { waits },
    });
    await requestRun({ run, client: engine.client });
    const ended = await withTimeout(engine.finished(run.id), 30_000, "the test run");
    const report = await reportOf(run.id);
    return {
      status: ended.status,
      steps: report.steps.map((s) => ({
        stepId: s.stepId,
        action: s.action,
        outcome: s.outcome,
        ...(s.error ? { error: s.error } : {}),
      })),
    };
  }

  async function reportOf(runId: string) {
    const { getRunView, getRunPlan } = await import("@/lib/runs/view");
    const { listRunEvents } = await import("@/lib/db/run-queries");
    const { toWireRunView } = await import("@/lib/runs/wire");
    const { testReport } = await import("@/lib/runs/test-report");
    const records = await getRunView({ userId, runId });
    const events = await listRunEvents({ runId, limit: 100_000 });
    const runPlan = await getRunPlan({ run: records.run, steps: records.steps });
    return testReport(toWireRunView({ ...records, events, ...runPlan }));
  }

  return { userId, runCase, expand, close: () => engine.close() };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
