// The planner's repair loop with a scripted MockLanguageModelV4: invalid plans go back to the
// model with their errors, a repaired plan is saved once, a model that never repairs gets a
// clear refusal and saves nothing, and malformed tool input does not break the turn.
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { readUIMessageStream, streamText, toUIMessageStream } from "ai";
import { MockLanguageModelV4, simulateReadableStream } from "ai/test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PlannerToolOutput } from "@/lib/ai/tools/planner-types";
import type { ChatMessage } from "@/lib/ai/types";
import { createTestDatabase, type TestDatabase } from "../../helpers/database";
import { useDatabaseForQueries } from "../../helpers/queries";

const validPlan = {
  version: 1,
  title: "Say hello every morning",
  trigger: { type: "schedule", cron: "0 8 * * *", timezone: "Europe/Berlin" },
  steps: [
    { id: "greet", action: "ai.generate", input: { prompt: "Write a short good-morning note" } },
    {
      id: "post",
      action: "chat.post",
      after: ["greet"],
      input: { text: "{{ steps.greet.output.text }}" },
    },
  ],
};

const cyclePlan = {
  ...validPlan,
  steps: [
    { ...validPlan.steps[0], after: ["post"] },
    { ...validPlan.steps[1], after: ["greet"] },
  ],
};

const unknownActionPlan = {
  ...validPlan,
  steps: [validPlan.steps[0], { ...validPlan.steps[1], action: "chat.send" }],
};

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

type Turn = { tool: string; input: string } | { text: string };

function streamOf(turn: Turn, index: number) {
  const chunks: LanguageModelV4StreamPart[] =
    "tool" in turn
      ? [
          { type: "stream-start", warnings: [] },
          {
            type: "tool-call",
            toolCallId: `call-${index}`,
            toolName: turn.tool,
            input: turn.input,
          },
          { type: "finish", finishReason: { unified: "tool-calls", raw: undefined }, usage },
        ]
      : [
          { type: "stream-start", warnings: [] },
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: turn.text },
          { type: "text-end", id: "t" },
          { type: "finish", finishReason: { unified: "stop", raw: undefined }, usage },
        ];
  return { stream: simulateReadableStream({ chunks, chunkDelayInMs: null }) };
}

/** A model that plays `turns` in order; `decide` may pick a turn from the call instead. */
function scriptedModel(decide: (call: LanguageModelV4CallOptions, index: number) => Turn) {
  let index = 0;
  const model = new MockLanguageModelV4({
    doStream: async (call) => {
      const turn = decide(call, index);
      return streamOf(turn, index++);
    },
  });
  return model;
}

const propose = (plan: unknown): Turn => ({
  tool: "proposeWorkflow",
  input: JSON.stringify({ plan }),
});

const toolsOffered = (call: LanguageModelV4CallOptions) =>
  call.toolChoice?.type !== "none" && (call.tools?.length ?? 0) > 0;

describe("the planner's repair loop", () => {
  let database: TestDatabase;
  let planner: typeof import("@/lib/ai/planner");
  let workflows: typeof import("@/lib/db/workflow-queries");
  let userId: string;

  beforeAll(async () => {
    // PostgreSQL starts in well under a second; an in-memory PGlite takes several.
    database = await createTestDatabase("postgres");
    const q = await useDatabaseForQueries(database);
    planner = await import("@/lib/ai/planner");
    workflows = await import("@/lib/db/workflow-queries");
    const user = await q.createUser({ email: "planner@example.com", passwordHash: "x" });
    userId = user.id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function newThread() {
    const q = await import("@/lib/db/queries");
    const id = crypto.randomUUID();
    await q.getOrCreateThread({ id, userId, title: "plans" });
    return id;
  }

  async function runTurn(model: MockLanguageModelV4, threadId: string) {
    const settings = planner.plannerSettings({ userId, threadId });
    const result = streamText({
      model,
      prompt: "Every morning at 8, post a hello here",
      ...settings,
    });
    const outputs: PlannerToolOutput[] = [];
    const errors: string[] = [];
    let message: ChatMessage | undefined;
    for await (const snapshot of readUIMessageStream<ChatMessage>({
      stream: toUIMessageStream<typeof settings.tools, ChatMessage>({ stream: result.stream }),
    })) {
      message = snapshot;
    }
    for (const step of await result.steps) {
      for (const part of step.content) {
        if (part.type === "tool-result") outputs.push(part.output as PlannerToolOutput);
        if (part.type === "tool-error") errors.push(String(part.error));
      }
    }
    return { outputs, errors, message, text: await result.text };
  }

  it("repairs a plan with a cycle, then an unknown action, and saves the repaired plan once", async () => {
    const threadId = await newThread();
    const script = [
      propose(cyclePlan),
      propose(unknownActionPlan),
      propose(validPlan),
      { text: "Saved it." },
    ];
    const model = scriptedModel((_, i) => script[i]);

    const { outputs } = await runTurn(model, threadId);

    expect(outputs).toHaveLength(3);
    const [first, second, third] = outputs;
    expect(first.ok).toBe(false);
    expect(!first.ok && first.errors.map((e) => e.message).join("\n")).toMatch(/cycle/i);
    expect(!first.ok && first.gaveUp).toBe(false);
    expect(second.ok).toBe(false);
    expect(!second.ok && second.errors).toContainEqual(
      expect.objectContaining({ path: "steps[1].action" }),
    );
    expect(!second.ok && second.errors[0].message).toContain("chat.send");
    expect(third).toMatchObject({ ok: true, version: 1, title: validPlan.title });

    // The model saw the validator's errors before repairing.
    const secondPrompt = JSON.stringify(model.doStreamCalls[1].prompt);
    expect(secondPrompt).toMatch(/cycle/i);

    const saved = await workflows.listWorkflows({ userId, threadId });
    expect(saved).toHaveLength(1);
    expect(saved[0].workflow).toMatchObject({ title: validPlan.title, status: "draft" });
    expect(saved[0].latest).toMatchObject({ number: 1, author: "model", state: "draft" });
    expect(saved[0].latest?.plan).toEqual(validPlan);
  });

  it("refuses clearly and saves nothing when the model never fixes its plan", async () => {
    const threadId = await newThread();
    const model = scriptedModel((call) =>
      toolsOffered(call)
        ? propose(cyclePlan)
        : { text: "I could not build a valid plan: the steps depend on each other in a loop." },
    );

    const { outputs, text } = await runTurn(model, threadId);

    expect(outputs).toHaveLength(planner.MAX_PLAN_ATTEMPTS);
    const last = outputs.at(-1);
    expect(last).toMatchObject({ ok: false, gaveUp: true, attempt: 3, maxAttempts: 3 });
    expect(!last?.ok && last?.message).toMatch(/NOT saved.*Do not call the planner tools again/s);
    // After the attempts are used up the planner tools are switched off for the model.
    expect(toolsOffered(model.doStreamCalls[3])).toBe(false);
    expect(text).toContain("I could not build a valid plan");
    expect(await workflows.listWorkflows({ userId, threadId })).toHaveLength(0);
  });

  it("stops a model that ignores the refusal and keeps calling the tool", async () => {
    const threadId = await newThread();
    const model = scriptedModel(() => propose(cyclePlan));

    const { outputs, errors } = await runTurn(model, threadId);

    expect(model.doStreamCalls.length).toBe(planner.MAX_PLANNER_STEPS);
    expect(outputs.every((output) => !output.ok)).toBe(true);
    // Calls to a switched-off tool are reported as errors, never executed.
    expect(outputs.length + errors.length).toBe(planner.MAX_PLANNER_STEPS);
    expect(await workflows.listWorkflows({ userId, threadId })).toHaveLength(0);
  });

  it("turns malformed JSON tool input into a tool error the model can recover from", async () => {
    const threadId = await newThread();
    const broken = JSON.stringify({ plan: validPlan }).slice(0, 60);
    const script: Turn[] = [
      { tool: "proposeWorkflow", input: broken },
      propose(validPlan),
      { text: "Saved it." },
    ];
    const model = scriptedModel((_, i) => script[i]);

    const { outputs, errors, message, text } = await runTurn(model, threadId);

    expect(errors).toHaveLength(1);
    expect(outputs).toEqual([expect.objectContaining({ ok: true, version: 1 })]);
    expect(text).toBe("Saved it.");
    // The SDK reports an unparsable call as a dynamic tool part (its input is the raw text),
    // which the plan card renders as "could not be read"; the next call is a normal part.
    const states = message?.parts.flatMap((part) =>
      part.type === "dynamic-tool" || part.type === "tool-proposeWorkflow"
        ? [`${part.type}:${part.state}`]
        : [],
    );
    expect(states).toEqual(["dynamic-tool:output-error", "tool-proposeWorkflow:output-available"]);
    expect(await workflows.listWorkflows({ userId, threadId })).toHaveLength(1);
  });

  it("reports a failed save as a short safe message, never the database's own words", async () => {
    const threadId = await newThread();
    const script: Turn[] = [propose(validPlan), { text: "Sorry." }];
    const model = scriptedModel((_, i) => script[i]);
    // A person id with no row: the insert violates a foreign key (logged, not shown).
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const settings = planner.plannerSettings({ userId: crypto.randomUUID(), threadId });
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: "plan it", ...settings });
    for (const step of await result.steps) {
      for (const part of step.content) if (part.type === "tool-error") errors.push(part.error);
    }
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toBe(
      "The plan is valid but could not be saved right now. Try again in a moment.",
    );
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });

  it("accepts a plan sent as JSON text, as small models sometimes do", async () => {
    const threadId = await newThread();
    const script: Turn[] = [
      { tool: "proposeWorkflow", input: JSON.stringify({ plan: JSON.stringify(validPlan) }) },
      { text: "Done." },
    ];
    const { outputs } = await runTurn(
      scriptedModel((_, i) => script[i]),
      threadId,
    );
    expect(outputs[0]).toMatchObject({ ok: true });
  });

  it("revises only the person's own workflows, as the next version with a diff", async () => {
    const threadId = await newThread();
    const { workflow } = await workflows.createWorkflow({
      userId,
      threadId,
      title: validPlan.title,
      plan: validPlan,
      author: "model",
    });
    const revised = { ...validPlan, trigger: { ...validPlan.trigger, cron: "30 8 * * *" } };
    const q = await import("@/lib/db/queries");
    const other = await q.createUser({ email: "other@example.com", passwordHash: "x" });
    const foreign = await workflows.createWorkflow({
      userId: other.id,
      title: "theirs",
      plan: validPlan,
      author: "model",
    });
    const script: Turn[] = [
      {
        tool: "reviseWorkflow",
        input: JSON.stringify({ workflowId: foreign.workflow.id, plan: revised }),
      },
      {
        tool: "reviseWorkflow",
        input: JSON.stringify({ workflowId: workflow.id, plan: revised, note: "half past" }),
      },
      { text: "Moved to 8:30." },
    ];

    const { outputs } = await runTurn(
      scriptedModel((_, i) => script[i]),
      threadId,
    );

    expect(outputs[0]).toMatchObject({ ok: false });
    expect(!outputs[0].ok && outputs[0].errors[0].path).toBe("workflowId");
    expect(outputs[1]).toMatchObject({ ok: true, workflowId: workflow.id, version: 2 });
    expect(outputs[1].ok && outputs[1].changes?.join("\n")).toContain("08:30");
    const versions = await workflows.listWorkflowVersions({ workflowId: workflow.id, userId });
    expect(versions.map((v) => [v.number, v.state, v.note])).toEqual([
      [1, "superseded", null],
      [2, "draft", "half past"],
    ]);
    const theirs = await workflows.listWorkflowVersions({
      workflowId: foreign.workflow.id,
      userId: other.id,
    });
    expect(theirs).toHaveLength(1);
  });
});
