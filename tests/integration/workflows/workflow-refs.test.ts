// workflow.run by name: "run the Warehouse sync workflow" is resolved to that workflow's id when
// the plan is saved (the planner's tools, the person's edit, the editor's live check); an unknown
// or ambiguous name is a validation error at the step's input.workflow, and approval re-checks
// the names a version holds. On both drivers.
import { describe, expect, it } from "vitest";
import type { PlannerToolOutput } from "@/lib/ai/tools/planner-types";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const callPlan = (workflow: string, extra: Record<string, unknown> = {}) => ({
  version: 1,
  title: "Nightly chain",
  trigger: { type: "manual" },
  steps: [{ id: "sync", action: "workflow.run", input: { workflow } }],
  ...extra,
});

const childPlan = (title: string) => ({
  version: 1,
  title,
  trigger: { type: "manual" },
  steps: [{ id: "noop", action: "transform", input: { value: 1 } }],
});

describe.each(drivers)("workflow.run targets on %s", (driver) => {
  queriesDatabase(driver);

  async function setup() {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const user = await q.createUser({
      email: `refs-${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    const child = async (title: string, approve = true) => {
      const made = await w.createWorkflow({
        userId: user.id,
        title,
        plan: childPlan(title),
        author: "person",
      });
      if (approve) {
        await w.approveWorkflowVersion({
          userId: user.id,
          workflowId: made.workflow.id,
          versionId: made.version.id,
        });
      }
      return made.workflow.id;
    };
    return { userId: user.id, child, w };
  }

  async function propose(userId: string, plan: unknown) {
    const { plannerTools } = await import("@/lib/ai/planner");
    const q = await import("@/lib/db/queries");
    const threadId = crypto.randomUUID();
    await q.getOrCreateThread({ id: threadId, userId, title: "plans" });
    const tools = plannerTools({ userId, threadId });
    return (await tools.proposeWorkflow.execute!({ plan }, {
      toolCallId: "call_1",
      messages: [],
      context: {},
    } as never)) as PlannerToolOutput;
  }

  it("saves a plan that names a workflow with that workflow's id", async () => {
    const { userId, child, w } = await setup();
    const warehouse = await child("Warehouse sync");
    await child("Other thing");

    const saved = await propose(userId, callPlan("warehouse SYNC"));

    expect(saved).toMatchObject({ ok: true });
    if (!saved.ok) return;
    const version = await w.getWorkflowVersion({ versionId: saved.versionId, userId });
    expect(version?.version.plan).toMatchObject({
      steps: [{ id: "sync", input: { workflow: warehouse } }],
    });
    const { loadPlanCard } = await import("@/lib/workflows/plan-card");
    const card = await loadPlanCard({ userId, versionId: saved.versionId });
    expect(card.phrases.sync).toBe('run the workflow "Warehouse sync"');
  });

  it("refuses an unknown name at the step's input, listing the person's workflows", async () => {
    const { userId, child } = await setup();
    const other = await child("Invoice export");

    const refused = await propose(userId, callPlan("Warehouse sync"));

    expect(refused).toMatchObject({ ok: false, attempt: 1 });
    if (refused.ok) return;
    expect(refused.errors).toEqual([
      {
        path: "steps[0].input.workflow",
        message: expect.stringContaining('no workflow named "Warehouse sync"'),
      },
    ]);
    expect(refused.errors[0].message).toContain(`"Invoice export" (${other})`);
  });

  it("refuses an ambiguous name, an id that is not theirs and the workflow itself", async () => {
    const { userId, child, w } = await setup();
    const first = await child("Warehouse sync");
    const second = await child("Warehouse Sync", false);
    const stranger = await (async () => {
      const q = await import("@/lib/db/queries");
      const them = await q.createUser({
        email: `them-${crypto.randomUUID()}@example.com`,
        passwordHash: "x",
      });
      return (
        await w.createWorkflow({
          userId: them.id,
          title: "Theirs",
          plan: childPlan("Theirs"),
          author: "person",
        })
      ).workflow.id;
    })();

    const ambiguous = await propose(userId, callPlan("Warehouse sync"));
    expect(ambiguous.ok).toBe(false);
    if (ambiguous.ok) return;
    expect(ambiguous.errors[0].message).toMatch(/^2 workflows are named "Warehouse sync"/);
    expect(ambiguous.errors[0].message).toContain(first);
    expect(ambiguous.errors[0].message).toContain(second);

    const notTheirs = await propose(userId, callPlan(stranger));
    expect(notTheirs.ok).toBe(false);
    if (notTheirs.ok) return;
    expect(notTheirs.errors[0].message).toContain(`no workflow with id "${stranger}"`);

    const { checkPlanFor } = await import("@/lib/ai/planner-attempts");
    const itself = await checkPlanFor({ userId, plan: callPlan(first), selfId: first });
    expect(itself).toMatchObject({
      ok: false,
      errors: [{ path: "steps[0].input.workflow", message: expect.stringContaining("itself") }],
    });
  });

  it("leaves a templated reference to the run, and warns about a target with nothing approved", async () => {
    const { userId, child } = await setup();
    await child("Draft only", false);
    const { checkPlanFor } = await import("@/lib/ai/planner-attempts");

    const templated = await checkPlanFor({
      userId,
      plan: callPlan("{{ trigger.inputs.which }}", {
        trigger: { type: "manual", inputs: { which: { type: "string" } } },
      }),
    });
    expect(templated.ok).toBe(true);

    const draft = await checkPlanFor({ userId, plan: callPlan("Draft only") });
    expect(draft).toMatchObject({
      ok: true,
      warnings: [
        {
          path: "steps[0].input.workflow",
          message: expect.stringContaining("no approved version yet"),
        },
      ],
    });
  });

  it("resolves a person's edit, and refuses to approve a version whose target is gone", async () => {
    const { userId, child, w } = await setup();
    const warehouse = await child("Warehouse sync");
    const { savePersonEdit, approvePlanVersion } = await import("@/lib/workflows/versions");
    const made = await w.createWorkflow({
      userId,
      title: "Nightly chain",
      plan: callPlan(warehouse),
      author: "model",
    });

    const edited = await savePersonEdit({
      userId,
      workflowId: made.workflow.id,
      baseVersionId: made.version.id,
      plan: { ...callPlan("Warehouse sync"), title: "Nightly chain, edited" },
    });
    expect(edited.card.plan.steps[0].input).toEqual({ workflow: warehouse });

    await expect(
      savePersonEdit({
        userId,
        workflowId: made.workflow.id,
        baseVersionId: edited.card.version.id,
        plan: callPlan("Nowhere"),
      }),
    ).rejects.toMatchObject({
      status: 400,
      details: { errors: [{ path: "steps[0].input.workflow" }] },
    });

    // A version that still names its target (saved before names were resolved) is checked again.
    const stored = await w.addWorkflowVersion({
      userId,
      workflowId: made.workflow.id,
      title: "Nightly chain",
      plan: callPlan("Warehouse sync, renamed"),
      author: "model",
    });
    await expect(
      approvePlanVersion({ userId, workflowId: made.workflow.id, versionId: stored.version.id }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(
        /^This plan cannot be approved: steps\[0\]\.input\.workflow: no workflow named "Warehouse sync, renamed"/,
      ),
    });
    expect(
      (await w.getWorkflowVersion({ versionId: stored.version.id, userId }))?.version.state,
    ).toBe("draft");
  });
});
