// The workflow page as the server renders it: the owner's history (filtered by the URL, in
// pages), metrics and versions; another person's workflow is a 404, no session a sign-in.
import { AppRouterContext } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";
import { insertSeed, type SeedRun, seedRuns } from "./history-seed";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const digest = fixturePlan("morning-incident-digest");

const count = (html: string, text: string) => html.split(text).length - 1;

/** A router that goes nowhere: the server render never navigates. */
const ROUTER = {
  back() {},
  forward() {},
  refresh() {},
  push() {},
  replace() {},
  prefetch() {},
} as unknown as NonNullable<Parameters<typeof AppRouterContext.Provider>[0]["value"]>;

describe.each(drivers)("the workflow page on %s", (driver) => {
  const database = queriesDatabase(driver);
  let page: typeof import("@/app/(chat)/workflows/[id]/page").default;
  let ada: string;
  let bob: string;
  let workflowId: string;
  let seeds: SeedRun[];

  beforeAll(async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    ada = (await q.createUser({ email: `ada-page-${driver}@example.com`, passwordHash: "x" })).id;
    bob = (await q.createUser({ email: `bob-page-${driver}@example.com`, passwordHash: "x" })).id;
    const made = await w.createWorkflow({
      userId: ada,
      title: "Incident digest",
      plan: digest,
      author: "model",
    });
    await w.approveWorkflowVersion({
      userId: ada,
      workflowId: made.workflow.id,
      versionId: made.version.id,
    });
    workflowId = made.workflow.id;
    // Version 2 moves the digest to 08:00, written by the person, approved.
    const revised = await w.addWorkflowVersion({
      userId: ada,
      workflowId,
      title: "Incident digest",
      plan: { ...digest, trigger: { ...digest.trigger, cron: "0 8 * * 1-5" } },
      author: "person",
      note: "Later start",
    });
    await w.approveWorkflowVersion({
      userId: ada,
      workflowId,
      versionId: revised.version.id,
    });
    seeds = seedRuns(new Date());
    await insertSeed(database.db, { workflowId, versionId: made.version.id, userId: ada }, seeds);
    page = (await import("@/app/(chat)/workflows/[id]/page")).default;
  });

  // Next mounts its router around every page; its client parts (Pause, Resume) read it.
  const render = async (query: Record<string, string> = {}, id = workflowId) =>
    renderToStaticMarkup(
      createElement(
        AppRouterContext.Provider,
        { value: ROUTER },
        await page({ params: Promise.resolve({ id }), searchParams: Promise.resolve(query) }),
      ),
    );

  it("shows the owner's newest runs, one page of them, with metrics and the approved version", async () => {
    session.userId = ada;
    const html = await render();
    expect(html).toContain("Incident digest");
    expect(count(html, 'data-testid="history-row"')).toBe(25);
    expect(html).toContain('data-testid="history-load-more"');
    const newest = [...seeds].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    expect(html.indexOf(`data-run="${newest.id}"`)).toBe(html.indexOf('data-run="'));
    expect(html).toContain('data-testid="metric-runs"');
    expect(html).toContain("Every weekday at 08:00");
  });

  it("lists the versions newest first with their diff, who approved them and the next fire times", async () => {
    session.userId = ada;
    const html = await render();
    expect(html.indexOf('data-number="2"')).toBeLessThan(html.indexOf('data-number="1"'));
    expect(html).toContain('data-number="2" data-state="approved"');
    expect(html).toContain('data-number="1" data-state="superseded"');
    expect(count(html, "Approved by you")).toBe(2);
    expect(html).toContain("Changes since version 1");
    expect(html).toMatch(/data-testid="plan-diff"[\s\S]*~ trigger: [^<]*07:30[^<]*→[^<]*08:00/);
    expect(html).toContain("Later start");
    // No zone known for the person here: UTC. Weekdays at 08:00 Berlin time.
    expect(html).toContain("Next runs (UTC)");
    expect(html).toMatch(/(Mon|Tue|Wed|Thu|Fri) \d+ \w+ \d{4}, 0[67]:00/);
  });

  it("filters by status from the URL", async () => {
    session.userId = ada;
    const html = await render({ status: "failed" });
    const failed = seeds.filter((seed) => seed.status === "failed");
    expect(count(html, 'data-testid="history-row"')).toBe(failed.length);
    expect(count(html, 'data-status="succeeded"')).toBe(0);
    for (const seed of failed) expect(html).toContain(`data-run="${seed.id}"`);
    expect(html).not.toContain('data-testid="history-load-more"');
  });

  it("says so when a date range holds no runs", async () => {
    session.userId = ada;
    const html = await render({ from: "2020-01-01", to: "2020-01-31" });
    expect(html).toContain("No runs match these filters.");
  });

  it("is a 404 for another person, or for an id that is not one", async () => {
    session.userId = bob;
    await expect(render()).rejects.toThrow(/NEXT_HTTP_ERROR_FALLBACK;404/);
    await expect(render({}, "not-a-uuid")).rejects.toThrow(/NEXT_HTTP_ERROR_FALLBACK;404/);
  });

  it("sends a visitor without a session to sign in", async () => {
    session.userId = undefined;
    await expect(render()).rejects.toThrow(/NEXT_REDIRECT/);
  });
});
