import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePlan } from "../fixtures/plans";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { useDatabaseForQueries } from "../helpers/queries";

process.env.DATA_DIR ??= path.join(os.tmpdir(), `flowchat-secrets-${process.pid}`);

const slackPlan = fixturePlan("signup-to-slack");

describe("secrets a plan names", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await useDatabaseForQueries(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("are reported while missing, block approval, and allow it once stored", async () => {
    const { createUser } = await import("@/lib/db/queries");
    const { createWorkflow } = await import("@/lib/db/workflow-queries");
    const { missingPlanSecrets } = await import("@/lib/secrets/plan-secrets");
    const { approvePlanVersion } = await import("@/lib/workflows/versions");
    const { saveSecret } = await import("@/lib/secrets/store");

    const user = await createUser({ email: "secrets@example.com", passwordHash: "x" });
    const names = [...JSON.stringify(slackPlan).matchAll(/secrets\.([A-Z_][A-Z0-9_]*)/g)].map(
      (m) => m[1],
    );
    expect(names.length).toBeGreaterThan(0);
    const missing = await missingPlanSecrets({ userId: user.id, plan: slackPlan });
    expect(missing.map((issue) => issue.message)).toContain(
      `secrets.${names[0]}: no secrets are stored yet; add a secret named "${names[0]}" first`,
    );

    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: slackPlan.title,
      plan: slackPlan,
      author: "model",
    });
    await expect(
      approvePlanVersion({ userId: user.id, workflowId: workflow.id, versionId: version.id }),
    ).rejects.toMatchObject({
      code: "conflict:workflow",
      message: expect.stringContaining("Add the missing secrets under Settings before you approve"),
    });

    for (const name of new Set(names)) {
      await saveSecret({ userId: user.id, name, value: `value-of-${name.toLowerCase()}` });
    }
    expect(await missingPlanSecrets({ userId: user.id, plan: slackPlan })).toEqual([]);
    const card = await approvePlanVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    expect(card.version.state).toBe("approved");
  });
});
