// Rejecting an edited version never strands the workflow: it falls back to the approved
// version (which keeps running), or — nothing approved yet — the version the edit replaced is a
// draft again; the rejected card says which. Through the real reject and approve routes.
import { describe, expect, it, vi } from "vitest";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const digest = fixturePlan("morning-incident-digest");
const ctx = (id: string, versionId: string) =>
  ({ params: Promise.resolve({ id, versionId }) }) as never;
const post = () =>
  new Request("http://app.test/x", {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://app.test" },
  });

describe.each(drivers)("rejecting an edited version on %s", (driver) => {
  queriesDatabase(driver);

  async function setup() {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const { savePersonEdit } = await import("@/lib/workflows/versions");
    const user = await q.createUser({
      email: `reject-${crypto.randomUUID()}@example.com`,
      passwordHash: "x",
    });
    session.userId = user.id;
    const made = await w.createWorkflow({
      userId: user.id,
      title: digest.title,
      plan: digest,
      author: "model",
    });
    const edit = (baseVersionId: string, summary: string) =>
      savePersonEdit({
        userId: user.id,
        workflowId: made.workflow.id,
        baseVersionId,
        plan: { ...digest, summary },
      });
    const routes = {
      reject: await import("@/app/api/workflows/[id]/versions/[versionId]/reject/route"),
      approve: await import("@/app/api/workflows/[id]/versions/[versionId]/approve/route"),
    };
    const decide = async (kind: "reject" | "approve", versionId: string) => {
      const response = await routes[kind].POST(post(), ctx(made.workflow.id, versionId));
      return { status: response.status, card: (await response.json()).card as PlanCardData };
    };
    const states = async () =>
      (await w.listWorkflowVersions({ workflowId: made.workflow.id, userId: user.id })).map(
        (v) => v.state,
      );
    return { userId: user.id, made, edit, decide, states, w };
  }

  it("makes the draft it replaced approvable again when nothing was approved yet", async () => {
    const { made, edit, decide, states } = await setup();
    const v2 = await edit(made.version.id, "edited by me");
    expect(await states()).toEqual(["superseded", "draft"]);

    const rejected = await decide("reject", v2.card.version.id);

    expect(rejected.status).toBe(200);
    expect(rejected.card.version.state).toBe("rejected");
    expect(rejected.card.fallback).toEqual({
      versionId: made.version.id,
      number: 1,
      state: "draft",
    });
    expect(await states()).toEqual(["draft", "rejected"]);
    const approved = await decide("approve", made.version.id);
    expect(approved.status).toBe(200);
    expect(approved.card.workflow).toMatchObject({
      status: "active",
      activeVersionId: made.version.id,
    });
    expect(await states()).toEqual(["approved", "rejected"]);
  });

  it("keeps the approved version running and says so on the rejected card", async () => {
    const { made, edit, decide, states, w, userId } = await setup();
    await decide("approve", made.version.id);
    const v2 = await edit(made.version.id, "edit one");
    const v3 = await edit(v2.card.version.id, "edit two");
    expect(await states()).toEqual(["approved", "superseded", "draft"]);

    const rejected = await decide("reject", v3.card.version.id);

    expect(rejected.card.fallback).toEqual({
      versionId: made.version.id,
      number: 1,
      state: "approved",
    });
    expect(await states()).toEqual(["approved", "superseded", "rejected"]);
    expect((await w.getWorkflow({ id: made.workflow.id, userId }))?.activeVersionId).toBe(
      made.version.id,
    );
  });

  it("rejects a first version with nothing to fall back to", async () => {
    const { made, decide, states } = await setup();
    const rejected = await decide("reject", made.version.id);
    expect(rejected.card.version.state).toBe("rejected");
    expect(rejected.card.fallback).toBeUndefined();
    expect(await states()).toEqual(["rejected"]);
  });
});
