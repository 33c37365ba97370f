// The chat's tools as the provider sends them, through the real chat route and the real
// @ai-sdk/openai provider (both APIs): no AI SDK warning on any request (OpenAI refuses
// `propertyNames`, the provider used to strip it and warn every time), closed schemas sent
// strict in the shape OpenAI's strict mode demands, and a strict call's nulls read as absent.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { startOpenAIServer, text, toolCall } from "../../fixtures/openai-server";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const server = await startOpenAIServer();
process.env.OPENAI_BASE_URL = server.baseURL;
process.env.OPENAI_MODEL = "tool-schemas-test";

type Json = { [key: string]: unknown };
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every schema node under `node`, with its path. */
function* nodes(node: unknown, path = ""): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* nodes(item, `${path}[${index}]`);
    return;
  }
  if (!isObject(node)) return;
  yield [path, node];
  for (const [key, value] of Object.entries(node)) yield* nodes(value, `${path}/${key}`);
}

/** OpenAI's rules for a strict function schema (platform docs, "Structured Outputs"). */
function strictProblems(schema: unknown): string[] {
  const problems: string[] = [];
  for (const [path, node] of nodes(schema)) {
    if (node.type !== "object" && !(Array.isArray(node.type) && node.type.includes("object"))) {
      continue;
    }
    if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties`);
    const keys = Object.keys(isObject(node.properties) ? node.properties : {});
    const required = Array.isArray(node.required) ? node.required : [];
    for (const key of keys) {
      if (!required.includes(key)) problems.push(`${path}/${key}: not required`);
    }
  }
  return problems;
}

/** The function tools of a recorded request, whichever API it used. */
function sentTools(body: Json): { name: string; strict?: boolean; parameters: unknown }[] {
  const tools = (body.tools ?? []) as Json[];
  return tools.map((tool) =>
    isObject(tool.function)
      ? {
          name: String(tool.function.name),
          strict: tool.function.strict as boolean | undefined,
          parameters: tool.function.parameters,
        }
      : {
          name: String(tool.name),
          strict: tool.strict as boolean | undefined,
          parameters: tool.parameters,
        },
  );
}

describe.each(["chat", "responses"] as const)("chat tool schemas (%s API)", (api) => {
  queriesDatabase("pglite");
  let route: typeof import("@/app/api/chat/route");
  let q: typeof import("@/lib/db/queries");
  const warnings: unknown[] = [];

  afterAll(async () => {
    delete process.env.OPENAI_API;
    resetEnvForTests();
  });
  beforeEach(async () => {
    server.reset();
    process.env.OPENAI_API = api;
    resetEnvForTests();
    warnings.length = 0;
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = (
      options: { warnings: unknown[] } | unknown[],
    ) => {
      warnings.push(...(Array.isArray(options) ? options : options.warnings));
    };
    route ??= await import("@/app/api/chat/route");
    q ??= await import("@/lib/db/queries");
    const user = await q.createUser({
      email: `${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    session.userId = user.id;
  });
  afterEach(() => {
    delete (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS;
  });

  const say = async (threadId: string, words: string) => {
    const response = await route.POST(
      new Request("http://app.test/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          trigger: "submit-message",
          id: threadId,
          message: {
            id: crypto.randomUUID(),
            role: "user",
            parts: [{ type: "text", text: words }],
          },
        }),
      }),
    );
    return { status: response.status, raw: await response.text() };
  };

  it("sends every tool without a warning, closed schemas strict and in strict mode's shape", async () => {
    server.script(text("Hello."));
    expect((await say(crypto.randomUUID(), "Hi")).status).toBe(200);

    expect(warnings).toEqual([]);
    const body = server.requests[0]?.body as Json;
    const tools = sentTools(body);
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["proposeWorkflow", "listRuns", "runWorkflow", "bulkRuns"]),
    );
    for (const tool of tools) {
      expect(JSON.stringify(tool.parameters), tool.name).not.toContain("propertyNames");
    }
    const strict = tools.filter((tool) => tool.strict === true).map((tool) => tool.name);
    // Free-form inputs (a plan, manual inputs) cannot be strict; everything else is.
    expect(strict.sort()).toEqual(
      [
        "answerApproval",
        "bulkRuns",
        "cancelRun",
        "getRun",
        "listRuns",
        "listTemplates",
        "listWorkflows",
        "pauseWorkflow",
        "resumeWorkflow",
        "setWorkflowNotify",
        "workflowMetrics",
      ].sort(),
    );
    for (const tool of tools.filter((t) => t.strict)) {
      expect(strictProblems(tool.parameters), tool.name).toEqual([]);
    }
  });

  it("reads a strict call's nulls as absent options", async () => {
    server.script(
      toolCall("listRuns", { workflowId: null, limit: null }),
      text("You have no runs yet."),
    );
    const threadId = crypto.randomUUID();
    const reply = await say(threadId, "What ran lately?");
    expect(reply.status).toBe(200);
    expect(warnings).toEqual([]);
    const [, assistant] = await q.getMessages({ threadId });
    const part = (assistant.parts as Json[]).find((p) => p.type === "tool-listRuns");
    expect(part).toMatchObject({ state: "output-available", input: {}, output: [] });
  });
});
