import { beforeAll, describe, expect, it } from "vitest";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const greeting = fixturePlan("greeting");

describe.each(drivers)("loading a pinned plan on %s", (driver) => {
  queriesDatabase(driver);
  let q: typeof import("@/lib/db/queries");
  let w: typeof import("@/lib/db/workflow-queries");
  let pinned: typeof import("@/lib/workflows/pinned-plan");

  beforeAll(async () => {
    q = await import("@/lib/db/queries");
    w = await import("@/lib/db/workflow-queries");
    pinned = await import("@/lib/workflows/pinned-plan");
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
