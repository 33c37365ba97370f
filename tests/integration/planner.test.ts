import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLanguageModel, type ModelApi } from "@/lib/ai/providers";
import type { PlannerToolOutput } from "@/lib/ai/tools/planner-types";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { startOpenAIServer, text, toolCall } from "../fixtures/openai-server";
import { fixturePlan } from "../fixtures/plans";
import { createTestDatabase, drivers, type TestDatabase } from "../helpers/database";
import { useDatabaseForQueries } from "../helpers/queries";

// The routes ask Auth.js who is signed in; here the test decides.
const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const fixture = fixturePlan;

const digest = fixture("morning-incident-digest");

const server = suiteResource(startOpenAIServer, {
  beforeEach: (s) => s.reset(),
  close: (s) => s.close(),
});

describe.each(drivers)("the planner on %s", (driver) => {
  let database: TestDatabase;
  let q: typeof import("@/lib/db/queries");
  let wq: typeof import("@/lib/db/workflow-queries");
  let planner: typeof import("@/lib/ai/planner");
  let prompts: typeof import("@/lib/ai/prompts");

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    q = await useDatabaseForQueries(database);
    wq = await import("@/lib/db/workflow-queries");
    planner = await import("@/lib/ai/planner");
    prompts = await import("@/lib/ai/prompts");
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function personWithThread(name: string) {
    const user = await q.createUser({
      email: `${name}-${driver}-${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    const threadId = crypto.randomUUID();
    await q.getOrCreateThread({ id: threadId, userId: user.id, title: "plans" });
    return { userId: user.id, threadId };
  }

  async function turn(api: ModelApi, userId: string, threadId: string, prompt: string) {
    const settings = planner.plannerSettings({ userId, threadId });
    const result = streamText({
      model: createLanguageModel({ baseURL: server.baseURL, api, model: "test-model" }),
      instructions: prompts.chatInstructions({ now: new Date(), timezone: "Europe/Berlin" }),
      prompt,
      ...settings,
    });
    const outputs: PlannerToolOutput[] = [];
    for (const step of await result.steps) {
      for (const part of step.content) {
        if (part.type === "tool-result") outputs.push(part.output as PlannerToolOutput);
      }
    }
    return { outputs, text: await result.text };
  }

  it.each<ModelApi>(["chat", "responses"])(
    "saves a scripted proposeWorkflow call as a draft plan (%s API)",
    async (api) => {
      const { userId, threadId } = await personWithThread("ada");
      server.script(toolCall("proposeWorkflow", { plan: digest }), text("Saved the digest."));

      const { outputs, text: reply } = await turn(api, userId, threadId, "Digest every weekday");

      expect(reply).toBe("Saved the digest.");
      expect(outputs).toEqual([expect.objectContaining({ ok: true, version: 1 })]);
      const [item] = await wq.listWorkflows({ userId, threadId });
      expect(item.workflow).toMatchObject({ title: digest.title, status: "draft" });
      expect(item.workflow.activeVersionId).toBeNull();
      expect(item.latest).toMatchObject({ number: 1, author: "model", state: "draft" });
      expect(item.latest?.plan).toEqual(digest);

      // Both planner tools were offered, not in strict mode, and the prompt had the catalog.
      const [request] = server.requests;
      expect(request.tools.sort()).toEqual(["proposeWorkflow", "reviseWorkflow"]);
      const tools = request.body.tools as Array<Record<string, unknown>>;
      for (const tool of tools) {
        const strict =
          api === "chat" ? (tool.function as { strict?: boolean }).strict : tool.strict;
        expect(strict).not.toBe(true);
      }
      const system = request.messages.find((m) => m.role === "system")?.text ?? "";
      expect(system).toContain("http.request");
      expect(system).toContain("Europe/Berlin");
    },
  );

  it("lets the fake model's default replies plan and revise from /plan and /revise", async () => {
    const { userId, threadId } = await personWithThread("fake");
    const proposed = await turn("chat", userId, threadId, "/plan weather-report");
    expect(proposed.outputs[0]).toMatchObject({ ok: true, version: 1 });
    expect(proposed.text).toContain('I saved "Weather report on demand" as version 1');

    // The instructions list the thread's workflows; /revise picks the newest one there.
    const settings = planner.plannerSettings({ userId, threadId });
    const [item] = await wq.listWorkflows({ userId, threadId });
    const result = streamText({
      model: createLanguageModel({ baseURL: server.baseURL, api: "chat", model: "m" }),
      instructions: prompts.chatInstructions({
        now: new Date(),
        workflows: [
          {
            id: item.workflow.id,
            title: item.workflow.title,
            latestVersion: 1,
            latestState: "draft",
          },
        ],
      }),
      prompt: "/revise signup-to-slack",
      ...settings,
    });
    expect(await result.text).toContain("as version 2");
    expect((await wq.listWorkflowVersions({ workflowId: item.workflow.id, userId })).length).toBe(
      2,
    );
  });

  it("refuses after three failed attempts when the model keeps sending a broken plan", async () => {
    const { userId, threadId } = await personWithThread("stubborn");
    const { outputs, text: reply } = await turn("chat", userId, threadId, "/plan invalid/cycle");
    expect(outputs.map((o) => (o.ok ? "ok" : o.gaveUp ? "gave up" : "retry"))).toEqual([
      "retry",
      "retry",
      "gave up",
    ]);
    expect(reply).toContain("I could not produce a valid plan");
    // The last request no longer offered the planner tools.
    expect(server.requests.at(-1)?.tools).toEqual([]);
    expect(await wq.listWorkflows({ userId })).toEqual([]);
  });

  it("revises the workflow as version 2 and shows the diff", async () => {
    const { userId, threadId } = await personWithThread("grace");
    server.script(toolCall("proposeWorkflow", { plan: digest }), text("Saved."));
    const first = await turn("chat", userId, threadId, "Digest");
    const saved = first.outputs[0];
    if (!saved.ok) throw new Error("expected a saved plan");

    const revised = { ...digest, trigger: { ...digest.trigger, cron: "0 9 * * 1-5" } };
    server.script(
      toolCall("reviseWorkflow", { workflowId: saved.workflowId, plan: revised, note: "At 9" }),
      text("Moved to 9."),
    );
    const second = await turn("chat", userId, threadId, "Make it 9 instead");

    expect(second.outputs[0]).toMatchObject({ ok: true, version: 2 });
    const versions = await wq.listWorkflowVersions({ workflowId: saved.workflowId, userId });
    expect(versions.map((v) => [v.number, v.state, v.author, v.note])).toEqual([
      [1, "superseded", "model", null],
      [2, "draft", "model", "At 9"],
    ]);
    const { loadPlanCard } = await import("@/lib/workflows/plan-card");
    const card = await loadPlanCard({ userId, versionId: versions[1].id });
    expect(card.diff?.against).toBe(1);
    expect(card.diff?.lines.join("\n")).toContain("Every weekday at 09:00");
    expect(card.nextRuns).toHaveLength(3);
    expect(card.isLatest).toBe(true);
  });

  describe("the workflow routes", () => {
    const ctx = (id: string, versionId?: string) => ({
      params: Promise.resolve({ id, ...(versionId ? { versionId } : {}) }),
    });
    const post = (body?: unknown) =>
      new Request("http://localhost/api", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    async function draft(userId: string, threadId: string, plan = digest) {
      return wq.createWorkflow({ userId, threadId, title: plan.title, plan, author: "model" });
    }

    it("approves a draft: it becomes the active version and supersedes the others", async () => {
      const { userId, threadId } = await personWithThread("linus");
      const { workflow, version: v1 } = await draft(userId, threadId);
      const { version: v2 } = await wq.addWorkflowVersion({
        userId,
        workflowId: workflow.id,
        title: digest.title,
        plan: { ...digest, summary: "v2" },
        author: "model",
      });
      session.userId = userId;
      const approve = await import("@/app/api/workflows/[id]/versions/[versionId]/approve/route");

      const stale = await approve.POST(post(), ctx(workflow.id, v1.id));
      expect(stale.status).toBe(409);

      const response = await approve.POST(post(), ctx(workflow.id, v2.id));
      expect(response.status).toBe(200);
      const { card } = await response.json();
      expect(card.version).toMatchObject({ number: 2, state: "approved" });
      expect(card.workflow).toMatchObject({ status: "active", activeVersionId: v2.id });

      const stored = await wq.getWorkflowVersion({ versionId: v2.id, userId });
      expect(stored?.version.approvedBy).toBe(userId);
      expect(stored?.version.approvedAt).toBeInstanceOf(Date);
      expect(stored?.workflow).toMatchObject({ status: "active", activeVersionId: v2.id });

      // A newer draft leaves the approved version running until it is approved itself.
      const { version: v3 } = await wq.addWorkflowVersion({
        userId,
        workflowId: workflow.id,
        title: digest.title,
        plan: { ...digest, summary: "v3" },
        author: "person",
      });
      let versions = await wq.listWorkflowVersions({ workflowId: workflow.id, userId });
      expect(versions.map((v) => v.state)).toEqual(["superseded", "approved", "draft"]);
      await approve.POST(post(), ctx(workflow.id, v3.id));
      versions = await wq.listWorkflowVersions({ workflowId: workflow.id, userId });
      expect(versions.map((v) => v.state)).toEqual(["superseded", "superseded", "approved"]);
      expect((await wq.getWorkflow({ id: workflow.id, userId }))?.activeVersionId).toBe(v3.id);
    });

    it("rejects a draft and leaves nothing active", async () => {
      const { userId, threadId } = await personWithThread("barbara");
      const { workflow, version } = await draft(userId, threadId);
      session.userId = userId;
      const reject = await import("@/app/api/workflows/[id]/versions/[versionId]/reject/route");

      const response = await reject.POST(post(), ctx(workflow.id, version.id));
      expect(response.status).toBe(200);
      const { card } = await response.json();
      expect(card.version.state).toBe("rejected");
      expect(card.version.rejectedAt).toEqual(expect.any(String));
      const stored = await wq.getWorkflow({ id: workflow.id, userId });
      expect(stored).toMatchObject({ status: "draft", activeVersionId: null });

      const again = await reject.POST(post(), ctx(workflow.id, version.id));
      expect(again.status).toBe(409);
    });

    it("saves the person's valid edit as the next version and posts it in the thread", async () => {
      const { userId, threadId } = await personWithThread("margaret");
      const { workflow, version } = await draft(userId, threadId);
      session.userId = userId;
      const versions = await import("@/app/api/workflows/[id]/versions/route");
      const broken = { ...digest, steps: [{ ...digest.steps[0], timeout: "soon" }] };

      const invalid = await versions.POST(
        post({ baseVersionId: version.id, plan: broken }),
        ctx(workflow.id),
      );
      expect(invalid.status).toBe(400);
      const { error } = await invalid.json();
      expect(error.details.errors).toContainEqual(
        expect.objectContaining({ path: "steps[0].timeout" }),
      );

      const edited = {
        ...digest,
        steps: [{ ...digest.steps[0], timeout: "45s" }, ...digest.steps.slice(1)],
      };
      const ok = await versions.POST(
        post({ baseVersionId: version.id, plan: edited, note: "longer timeout" }),
        ctx(workflow.id),
      );
      expect(ok.status).toBe(201);
      const { card, message } = await ok.json();
      expect(card.version).toMatchObject({ number: 2, author: "person", note: "longer timeout" });
      expect(card.diff.lines.join("\n")).toContain('timeout "30s" → "45s"');
      expect(message.parts[0]).toMatchObject({
        type: "data-plan",
        data: { versionId: card.version.id, version: 2 },
      });
      const stored = await q.getMessages({ threadId });
      expect(stored.map((m) => m.id)).toContain(message.id);

      // Editing a version that is no longer the newest is refused.
      const stale = await versions.POST(
        post({ baseVersionId: version.id, plan: { ...edited, title: "Other" } }),
        ctx(workflow.id),
      );
      expect(stale.status).toBe(409);
    });

    it("answers 404 for another person's workflow and 401 when signed out", async () => {
      const owner = await personWithThread("owner");
      const intruder = await personWithThread("intruder");
      const { workflow, version } = await draft(owner.userId, owner.threadId);
      const card = await import("@/app/api/workflows/[id]/versions/[versionId]/route");
      const approve = await import("@/app/api/workflows/[id]/versions/[versionId]/approve/route");
      const versions = await import("@/app/api/workflows/[id]/versions/route");
      const list = await import("@/app/api/workflows/route");

      session.userId = intruder.userId;
      expect((await card.GET(post(), ctx(workflow.id, version.id))).status).toBe(404);
      expect((await approve.POST(post(), ctx(workflow.id, version.id))).status).toBe(404);
      const edit = await versions.POST(
        post({ baseVersionId: version.id, plan: digest }),
        ctx(workflow.id),
      );
      expect(edit.status).toBe(404);
      expect((await (await list.GET()).json()).workflows).toEqual([]);
      // A version id paired with the wrong workflow id is not found either.
      const other = await draft(intruder.userId, intruder.threadId);
      expect((await card.GET(post(), ctx(other.workflow.id, version.id))).status).toBe(404);

      session.userId = undefined;
      expect((await card.GET(post(), ctx(workflow.id, version.id))).status).toBe(401);

      session.userId = owner.userId;
      const mine = await card.GET(post(), ctx(workflow.id, version.id));
      expect(mine.status).toBe(200);
      expect((await mine.json()).card.version.state).toBe("draft");
      expect(await wq.getWorkflow({ id: workflow.id, userId: owner.userId })).toMatchObject({
        status: "draft",
        activeVersionId: null,
      });
    });
  });
});
