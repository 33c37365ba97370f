// The expressiveness target, run through the pure run progress with fake MCP/HTTP results:
// loops over meetings, a join, the 8:00 send with the resume link embedded before the wait,
// the next-hour reminder and the 8:30 follow-up.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { resolveUnitInput } from "@/lib/plan/progress";
import { validatePlan } from "@/lib/plan/validate";
import { waitStepIds } from "@/lib/plan/waits";
import { ok, simulate } from "./run-simulator";

const file = path.join(import.meta.dirname, "../../fixtures/plans/meeting-prep.json");

function loadPlan() {
  const result = validatePlan(JSON.parse(readFileSync(file, "utf8")), { catalog: actionRegistry });
  if (!result.ok) throw new Error("fixture should be valid");
  return result.plan;
}

const events = [
  {
    title: "Standup",
    start: "2026-03-30T06:30:00Z",
    attendees: [{ email: "me@x.io" }, { email: "bo@x.io" }],
  },
  { title: "Focus", start: "2026-03-30T09:00:00Z", attendees: [{ email: "me@x.io" }] },
  {
    title: "Review",
    start: "2026-03-30T12:00:00Z",
    attendees: [{ email: "me@x.io" }, { email: "cy@x.io" }],
  },
];

describe("meeting prep plan, simulated", () => {
  it("prepares each meeting, sends at 8:00 with the resume link, reminds and follows up", async () => {
    const plan = loadPlan();
    const inputs: Record<string, unknown> = {};
    const capture = (output: unknown) => async (unit: Parameters<typeof resolveUnitInput>[0]) => {
      inputs[unit.id] = await resolveUnitInput(unit, { secrets: { TASKS_TOKEN: "t0k" } });
      return ok(output);
    };
    expect(waitStepIds(plan, actionRegistry)).toEqual(["at8", "opened"]);
    const run = await simulate(
      plan,
      {
        calendar: capture({ structured: { events } }),
        meetings: async (unit) => ok((await resolveUnitInput(unit)).value),
        threads: capture({ structured: { subject: "Re: agenda" } }),
        tasks: capture({ status: 200, headers: {}, body: [{ title: "Prepare slides" }] }),
        documents: capture({ structured: [{ name: "Q1.pdf" }] }),
        briefing: capture({ text: "Briefing text" }),
        doc: capture({ structured: { url: "https://docs.x.io/d/1" } }),
        at8: capture({ resumedAt: "2026-03-30T06:00:00Z", early: false }),
        send: capture({ messageId: "m1" }),
        reminder: capture({ messageId: "m2" }),
        opened: capture({ timedOut: true, via: "timeout" }),
        followUp: capture({ messageId: "m3" }),
      },
      {
        // 08:00 in Berlin: Standup (08:30) starts within the hour.
        now: "2026-03-30T06:00:00.000Z",
        user: { email: "me@x.io", timeZone: "Europe/Berlin" },
        waits: { at8: { url: "https://f.test/r/a" }, opened: { url: "https://f.test/r/open-1" } },
      },
    );

    expect(run.final.status).toBe("succeeded");
    expect(run.waves).toEqual([
      ["calendar"],
      ["meetings"],
      ["threads#0", "threads#1", "tasks#0", "tasks#1", "documents#0", "documents#1"],
      ["briefing"],
      ["doc"],
      ["at8"],
      ["send"],
      ["reminder", "opened"],
      ["followUp"],
    ]);
    expect(inputs.calendar).toEqual({
      server: "calendar",
      tool: "list_events",
      arguments: { from: "2026-03-29T22:00:00.000Z", to: "2026-03-30T22:00:00.000Z" },
    });
    expect(inputs["threads#1"]).toMatchObject({
      arguments: { participants: ["me@x.io", "cy@x.io"] },
    });
    expect(inputs["tasks#0"]).toMatchObject({
      headers: { Authorization: "Bearer t0k" },
      query: { q: "Standup" },
    });
    expect((inputs.send as { html: string }).html).toContain('src="https://f.test/r/open-1"');
    expect(inputs.send).toMatchObject({ to: "me@x.io", subject: "Your meetings today (2)" });
    expect(inputs.reminder).toEqual({ text: "Starting within the hour: Standup at 08:30" });
    expect(inputs.followUp).toEqual({
      text: "You have not opened today's meeting briefing yet: https://docs.x.io/d/1",
    });
  });

  it("skips the reminder and the follow-up when nothing is due and the summary was opened", async () => {
    const plan = loadPlan();
    const run = await simulate(
      plan,
      {
        calendar: () => ok({ structured: { events: [events[2]] } }),
        meetings: async (unit) => ok((await resolveUnitInput(unit)).value),
        opened: () => ok({ timedOut: false, via: "url" }),
      },
      { now: "2026-03-30T06:00:00.000Z", user: { email: "me@x.io" } },
    );
    expect(run.final.status).toBe("succeeded");
    expect(Object.keys(run.skipped).sort()).toEqual(["followUp", "reminder"]);
    expect(run.skipped.followUp).toBe("condition is false: steps.opened.output.timedOut");
  });
});
