import { describe, expect, it } from "vitest";
import { layoutPlan, TRIGGER_ID } from "@/app/(chat)/_components/plan/plan-layout";
import type { ChatMessage } from "@/lib/ai/types";
import type { Workflow, WorkflowVersion } from "@/lib/db/schema";
import type { Plan } from "@/lib/plan";
import { buildPlanCard, planVersionIds } from "@/lib/workflows/plan-card";
import { triggerInWords } from "@/lib/workflows/trigger-words";
import { changesSince } from "@/lib/workflows/version-diff";
import { fixturePlan } from "../../fixtures/plans";

const fixture = (name: string) => fixturePlan(name) as unknown as Plan;

const digest = fixture("morning-incident-digest");
const at = new Date("2026-03-27T12:00:00Z"); // a Friday

function rows(plan: Plan, number = 1, extra: Partial<WorkflowVersion> = {}) {
  const workflow: Workflow = {
    id: "w1",
    userId: "u1",
    threadId: "t1",
    title: plan.title,
    status: "draft",
    activeVersionId: null,
    notify: "failures",
    resumedAt: null,
    pausedAt: null,
    createdAt: at,
    updatedAt: at,
  };
  const version: WorkflowVersion = {
    id: `v${number}`,
    workflowId: "w1",
    number,
    plan,
    author: "model",
    state: "draft",
    note: null,
    approvedBy: null,
    approvedAt: null,
    rejectedAt: null,
    createdAt: at,
    ...extra,
  };
  return { workflow, version };
}

describe("the plan card's data", () => {
  it("describes the trigger and the next three runs in the plan's zone, across DST", () => {
    const card = buildPlanCard({ ...rows(digest), latestNumber: 1, now: at });
    expect(card.trigger).toBe("Every weekday at 07:30 (Europe/Berlin)");
    expect(card.timezone).toBe("Europe/Berlin");
    // Berlin moves to summer time on Sunday 29 March 2026: 07:30 stays 07:30 local.
    expect(card.nextRuns.map((run) => run.at)).toEqual([
      "2026-03-30T05:30:00.000Z",
      "2026-03-31T05:30:00.000Z",
      "2026-04-01T05:30:00.000Z",
    ]);
    expect(card.nextRuns[0].label).toBe("Mon, 30 Mar 2026, 07:30");
    expect(card.actions["http.request"]).toMatchObject({ kind: "task", sideEffects: true });
    expect(card.phrases.fetch).toContain("status.example.com");
    expect(card.diff).toBeNull();
    expect(card.isLatest).toBe(true);
  });

  it("says each condition, otherwise branch and loop in words", () => {
    const card = buildPlanCard({ ...rows(fixture("refund-approval")), latestNumber: 1, now: at });
    expect(card.explanations.refund.if).toEqual({
      text: "only if “approve” says approved",
      source: "steps.approve.output.approved",
      exact: true,
    });
    expect(card.explanations.decline.else?.text).toBe(
      "instead of “refund”, only if “approve” does not say approved",
    );
    expect(card.explanations.approve.inputs[0]).toMatchObject({
      path: "prompt",
      text: "Refund [the amount of the request body] [the currency of the request body] to [the customer email of the request body]? Reason: [the reason of the request body]",
    });
  });

  it("puts the plan's keys back in the language's order (jsonb stores its own)", () => {
    const shuffled = {
      steps: digest.steps.map(({ id, action, ...rest }) => ({ ...rest, action, id })),
      trigger: { timezone: "Europe/Berlin", type: "schedule", cron: "30 7 * * 1-5" },
      title: digest.title,
      summary: digest.summary,
      version: 1,
    } as Plan;
    const card = buildPlanCard({ ...rows(shuffled), latestNumber: 1, now: at });
    expect(Object.keys(card.plan)).toEqual(["version", "title", "summary", "trigger", "steps"]);
    expect(Object.keys(card.plan.trigger)).toEqual(["type", "cron", "timezone"]);
    expect(Object.keys(card.plan.steps[0]).slice(0, 2)).toEqual(["id", "action"]);
    expect(card.plan).toEqual(shuffled);
  });

  it("shows a revision's changes against the version before it", () => {
    const revised = { ...digest, trigger: { ...digest.trigger, cron: "0 9 * * 1-5" } };
    const card = buildPlanCard({
      ...rows(revised, 2),
      latestNumber: 3,
      previous: rows(digest, 1).version,
      now: at,
    });
    expect(card.diff).toEqual({
      against: 1,
      lines: [
        "~ trigger: Every weekday at 07:30 (Europe/Berlin) → Every weekday at 09:00 (Europe/Berlin)",
      ],
    });
    expect(card.isLatest).toBe(false);
  });

  it("labels decisions in the plan's zone and lists what the validator says now", () => {
    const plan = { ...digest, steps: [...digest.steps, { id: "x", action: "no.such" }] } as Plan;
    const card = buildPlanCard({
      ...rows(plan, 1, { state: "approved", approvedAt: new Date("2026-03-27T08:15:00Z") }),
      latestNumber: 1,
      now: at,
    });
    expect(card.version.decidedLabel).toBe("Fri, 27 Mar 2026, 09:15 (Europe/Berlin)");
    expect(card.warnings.map((w) => w.path)).toContain("steps[4].action");
  });
});

describe("a version saved under older rules", () => {
  const old = { ...digest, retiredField: true } as unknown as Plan;

  it("is shown as saved, with today's errors among the warnings", () => {
    const card = buildPlanCard({
      ...rows(old, 2),
      latestNumber: 2,
      previous: rows(digest).version,
    });
    expect(card.plan).toEqual(old);
    expect(card.trigger).toBe("Every weekday at 07:30 (Europe/Berlin)");
    expect(card.warnings.length).toBeGreaterThan(0);
    expect(card.nextRuns).toEqual([]);
    expect(card.diff?.lines).toEqual([
      "~ the whole plan (version 2 does not read under today's rules)",
    ]);
  });

  it("is replaced whole by the next version, never unchanged", () => {
    expect(changesSince({ before: rows(old).version, after: digest })).toEqual({
      unchanged: false,
      lines: ["~ the whole plan (version 1 does not read under today's rules)"],
    });
    expect(changesSince({ before: rows(digest).version, after: digest }).unchanged).toBe(true);
  });

  it("has an unknown trigger when its trigger no longer reads", () => {
    expect(triggerInWords({ trigger: { type: "carrier-pigeon" } })).toBe("Unknown trigger");
    expect(triggerInWords(null)).toBe("Unknown trigger");
  });
});

describe("the cards a thread shows", () => {
  it("are found in saved tool outputs and data-plan parts, skipping malformed ids", () => {
    const id1 = "11111111-1111-4111-8111-111111111111";
    const id2 = "22222222-2222-4222-8222-222222222222";
    const messages = [
      {
        id: "m1",
        role: "assistant",
        parts: [
          {
            type: "tool-proposeWorkflow",
            toolCallId: "c1",
            state: "output-available",
            input: { plan: {} },
            output: { ok: true, workflowId: id2, versionId: id1 },
          },
          {
            type: "tool-proposeWorkflow",
            toolCallId: "c2",
            state: "output-available",
            input: { plan: {} },
            output: { ok: true, workflowId: id2, versionId: "not-a-uuid" },
          },
          {
            type: "tool-proposeWorkflow",
            toolCallId: "c3",
            state: "output-available",
            input: { plan: {} },
            output: { ok: false, errors: [] },
          },
        ],
      },
      {
        id: "m2",
        role: "assistant",
        parts: [
          {
            type: "data-plan",
            data: { workflowId: id2, versionId: id2, version: 2, author: "person" },
          },
          { type: "data-plan", data: { versionId: 7 } },
        ],
      },
    ] as unknown as ChatMessage[];
    expect(planVersionIds(messages)).toEqual([id1, id2]);
  });
});

describe("the plan graph layout", () => {
  it("hangs root steps off the trigger, draws after-edges, and ranks dependents lower", () => {
    const layout = layoutPlan(digest);
    expect(layout.nodes.map((n) => n.id)).toEqual([
      TRIGGER_ID,
      "fetch",
      "summarize",
      "post",
      "alert",
    ]);
    expect(layout.edges.map((e) => e.id).sort()).toEqual(
      [`${TRIGGER_ID}->fetch`, "fetch->alert", "fetch->summarize", "summarize->post"].sort(),
    );
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]));
    expect(y[TRIGGER_ID]).toBeLessThan(y.fetch);
    expect(y.fetch).toBeLessThan(y.summarize);
    expect(y.summarize).toBeLessThan(y.post);
  });

  it("draws an otherwise branch under its step, on a dashed 'otherwise' edge", () => {
    const layout = layoutPlan(fixture("refund-approval"));
    const edge = layout.edges.find((e) => e.target === "decline");
    expect(edge).toEqual({
      id: "refund->decline",
      source: "refund",
      target: "decline",
      otherwise: true,
    });
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]));
    expect(y.refund).toBeLessThan(y.decline);
  });

  it("keeps onFailure steps as their own unconnected nodes", () => {
    const layout = layoutPlan(fixture("refund-approval"));
    const failures = layout.nodes.filter((n) => n.onFailure);
    expect(failures.length).toBeGreaterThan(0);
    for (const node of failures) {
      expect(layout.edges.some((e) => e.source === node.id || e.target === node.id)).toBe(false);
    }
  });
});
