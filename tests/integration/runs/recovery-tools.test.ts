// The chat's pause, resume and bulk tools: they act on the person's own workflows and runs only,
// a bulk action always asks first with the number of runs it takes, resuming asks only when it
// would start what was missed, and a dry run just counts.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "@/lib/format/time";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const { pauseWorkflowTool } = await import("@/lib/ai/tools/pause-workflow");
const { resumeWorkflowTool } = await import("@/lib/ai/tools/resume-workflow");
const { bulkRunsTool } = await import("@/lib/ai/tools/bulk-runs");
const { chatConfirmations } = await import("@/lib/ai/tools/run-confirmations");
const call = <T>(t: { execute?: unknown }, input: unknown): Promise<T> =>
  (t.execute as (input: unknown, options: unknown) => Promise<T>)(input, {
    toolCallId: "t1",
    messages: [],
  });

/** These tools do not read the thread: any id will do. */
const NO_THREAD = "00000000-0000-4000-8000-000000000000";

describe("chat tools for pausing and bulk actions", () => {
  const h = harnessFor("postgres", { port });

  const confirmations = (userId: string, personText: string) =>
    chatConfirmations({
      userId,
      threadId: NO_THREAD,
      personText,
      threadWorkflowIds: [],
      outsideDataInTurn: false,
      historyLength: 0,
    });
  const ask = (userId: string, text: string, toolName: string, input: unknown) =>
    confirmations(userId, text).policy({
      toolCall: { toolName, toolCallId: crypto.randomUUID(), input },
      messages: [],
    });

  it("pauses and resumes the person's workflow, and refuses another person's", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], {
        trigger: { type: "schedule", cron: "0 3 29 2 *", timezone: "UTC" },
      }),
    );
    const other = await h.user();
    const pause = pauseWorkflowTool({ userId: h.userId });
    const resume = resumeWorkflowTool({ userId: h.userId });

    expect(await call(pauseWorkflowTool({ userId: other }), { workflowId })).toEqual({
      ok: false,
      error: "This workflow does not exist or is not yours.",
    });
    const paused = await call<{ ok: true; workflow: { status: string } }>(pause, { workflowId });
    expect(paused).toMatchObject({ ok: true, workflow: { id: workflowId, status: "paused" } });
    expect(await call(pause, { workflowId })).toEqual({
      ok: false,
      error: "This workflow is already paused.",
    });
    // Pausing and plain resuming start nothing: no confirmation, whatever the words.
    expect(await ask(h.userId, "hm", "pauseWorkflow", { workflowId })).toBeUndefined();
    expect(await ask(h.userId, "hm", "resumeWorkflow", { workflowId })).toBeUndefined();
    // Catching up starts runs: the person confirms.
    expect(
      await ask(h.userId, "resume it and catch up", "resumeWorkflow", {
        workflowId,
        backfill: true,
      }),
    ).toEqual({
      type: "user-approval",
      reason: "Catching up on what a paused workflow missed starts runs.",
    });
    const resumed = await call(resume, { workflowId });
    expect(resumed).toMatchObject({ ok: true, workflow: { status: "active", pausedAt: null } });
  });

  it("counts on a dry run, asks with the count, then starts one bulk action", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }]),
    );
    await h.database.db.execute(sql`
      insert into runs (workflow_id, version_id, user_id, trigger, status, created_at)
      select id, active_version_id, user_id, '{"type":"manual","inputs":{}}', 'failed',
             now() - interval '8 hours' + g * interval '1 minute'
      from workflows, generate_series(1, 25) g where id = ${workflowId}`);
    const tool = bulkRunsTool({ userId: h.userId });
    const input = {
      action: "rerun",
      filter: {
        workflowId,
        status: ["failed"],
        from: new Date(Date.now() - 12 * 3600_000).toISOString(),
      },
    };
    expect(await call(tool, { ...input, dryRun: true })).toEqual({
      ok: true,
      dryRun: true,
      count: 25,
    });
    expect(
      await ask(h.userId, "how many failed?", "bulkRuns", { ...input, dryRun: true }),
    ).toBeUndefined();
    // Even when the person asked for exactly this, a bulk action asks — with the count.
    const text = "re-run all of last night's failed runs";
    expect(await ask(h.userId, text, "bulkRuns", input)).toEqual({
      type: "user-approval",
      reason: "A bulk action always asks: it acts on many runs at once.",
    });
    const { CONFIRMED_ACTIONS } = await import("@/lib/ai/tools/run-confirmations");
    const { card } = await CONFIRMED_ACTIONS.bulkRuns.describe(input, {
      userId: h.userId,
      threadId: NO_THREAD,
    });
    expect(card).toMatchObject({ action: "bulk-rerun", workflowId, count: 25 });
    expect(card.scope).toMatch(
      /^failed runs created since \w{3} \d+ \w{3} \d{4}, \d\d:\d\d \(UTC\)$/,
    );
    // In the person's zone when the request knows it (the browser's, sent with each message).
    const from = input.filter.from;
    const inParis = await CONFIRMED_ACTIONS.bulkRuns.describe(input, {
      userId: h.userId,
      threadId: NO_THREAD,
      timeZone: "Europe/Paris",
    });
    expect(inParis.card.scope).toBe(
      `failed runs created since ${formatDateTime(from, { timeZone: "Europe/Paris", year: true })} (Europe/Paris)`,
    );

    const started = await call<{ ok: true; bulkActionId: string; total: number }>(tool, input);
    expect(started).toMatchObject({ ok: true, kind: "rerun", total: 25 });
    const { getBulkActionById } = await import("@/lib/db/bulk-queries");
    await h.waitFor(
      async () =>
        (await getBulkActionById({ id: started.bulkActionId }))?.status === "succeeded"
          ? true
          : undefined,
      "the bulk action",
    );
    // Another person's filter matches none of these runs.
    const other = await h.user();
    expect(await call(bulkRunsTool({ userId: other }), { ...input, dryRun: true })).toEqual({
      ok: false,
      error: "This workflow does not exist or is not yours.",
    });
  });
});
