// A stored version becomes a typed plan in one place, owner-checked, with a typed failure for a
// version that is missing, another person's, or no longer reads as a plan.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, drivers, type TestDatabase } from "../../helpers/database";
import { useDatabaseForQueries } from "../../helpers/queries";

const greeting = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../fixtures/plans/greeting.json"), "utf8"),
);

describe.each(drivers)("loading a pinned plan on %s", (driver) => {
  let database: TestDatabase;
  let q: typeof import("@/lib/db/queries");
  let w: typeof import("@/lib/db/workflow-queries");
  let pinned: typeof import("@/lib/workflows/pinned-plan");

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    q = await useDatabaseForQueries(database);
    w = await import("@/lib/db/workflow-queries");
    pinned = await import("@/lib/workflows/pinned-plan");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("gives the owner the version with its plan parsed", async () => {
    const ada = await q.createUser({ email: `ada-pin-${driver}@example.com`, passwordHash: "x" });
    const { workflow, version } = await w.createWorkflow({
      userId: ada.id,
      title: greeting.title,
      plan: greeting,
      author: "model",
    });
    const loaded = await pinned.loadPinnedPlan({ userId: ada.id, versionId: version.id });
    expect(loaded).toMatchObject({
      ok: true,
      workflow: { id: workflow.id },
      version: { id: version.id, number: 1 },
      plan: { title: greeting.title, trigger: greeting.trigger },
    });
  });

  it("reads another person's version, or none, as missing", async () => {
    const ada = await q.createUser({ email: `ada-pin2-${driver}@example.com`, passwordHash: "x" });
    const eve = await q.createUser({ email: `eve-pin2-${driver}@example.com`, passwordHash: "x" });
    const { version } = await w.createWorkflow({
      userId: ada.id,
      title: greeting.title,
      plan: greeting,
      author: "model",
    });
    for (const attempt of [
      { userId: eve.id, versionId: version.id },
      { userId: ada.id, versionId: crypto.randomUUID() },
    ]) {
      expect(await pinned.loadPinnedPlan(attempt)).toMatchObject({ ok: false, reason: "missing" });
    }
  });

  it("says a stored plan that no longer parses is unreadable", async () => {
    const ada = await q.createUser({ email: `ada-pin3-${driver}@example.com`, passwordHash: "x" });
    const { version } = await w.createWorkflow({
      userId: ada.id,
      title: "Old rules",
      plan: { ...greeting, retiredField: true },
      author: "model",
    });
    expect(await pinned.loadPinnedPlan({ userId: ada.id, versionId: version.id })).toEqual({
      ok: false,
      reason: "unreadable",
      message: 'version 1 of "Old rules" does not read as a plan',
    });
  });
});
