// The one-shot trigger ("remind me in 20 minutes", "on 3 March at 9"): it fires at one instant,
// written as a local date and time in its zone (DST-correct) or as an instant with its offset.
import { describe, expect, it } from "vitest";
import { chatInstructions } from "@/lib/ai/prompts";
import {
  describeTrigger,
  lastFireTimeIn,
  lastFireTimesIn,
  nextFireTimes,
  onceInstant,
  planTimeZone,
  type Trigger,
} from "@/lib/plan";
import { basePlan, errorLines, warningLines } from "./helpers";

const once = (at: string, timezone = "Europe/Berlin") =>
  ({ type: "once", at, timezone }) as Trigger & { type: "once" };
const withTrigger = (trigger: unknown) => ({ ...basePlan(), trigger });

describe("one-shot trigger", () => {
  it("reads a local date and time in its zone, in winter and in summer time", () => {
    expect(onceInstant(once("2026-03-03T09:00"))?.toISOString()).toBe("2026-03-03T08:00:00.000Z");
    expect(onceInstant(once("2026-07-01T09:00:30"))?.toISOString()).toBe(
      "2026-07-01T07:00:30.000Z",
    );
    expect(onceInstant(once("2026-07-01 09:00", "America/New_York"))?.toISOString()).toBe(
      "2026-07-01T13:00:00.000Z",
    );
  });

  it("reads an instant with its offset whatever the zone", () => {
    expect(onceInstant(once("2026-03-03T09:00:00+05:30"))?.toISOString()).toBe(
      "2026-03-03T03:30:00.000Z",
    );
    expect(onceInstant(once("2026-03-03T09:00Z", "Asia/Tokyo"))?.toISOString()).toBe(
      "2026-03-03T09:00:00.000Z",
    );
  });

  it("refuses what is not a real date and time, and an unknown zone", () => {
    expect(errorLines(withTrigger(once("tomorrow at 9")))).toEqual([
      expect.stringMatching(
        /^trigger\.at: "tomorrow at 9" is not a date and time; write the local time/,
      ),
    ]);
    expect(errorLines(withTrigger(once("2026-02-30T09:00")))).toEqual([
      'trigger.at: "2026-02-30T09:00" is not a real date and time',
    ]);
    expect(errorLines(withTrigger(once("2026-03-03T24:10")))).toHaveLength(1);
    expect(errorLines(withTrigger(once("2026-03-03T09:00", "Mars/Olympus")))[0]).toMatch(
      /^trigger\.timezone:/,
    );
    expect(errorLines(withTrigger({ type: "once", timezone: "UTC" }))[0]).toMatch(/^trigger\.at/);
  });

  it("warns when its time has passed, only when the validator is told the time", () => {
    const plan = withTrigger(once("2026-03-03T09:00"));
    expect(errorLines(plan)).toEqual([]);
    expect(warningLines(plan)).toEqual([]);
    expect(warningLines(plan, { now: new Date("2026-03-03T08:30:00Z") })).toEqual([
      "trigger.at: 2026-03-03T08:00:00.000Z has already passed: a one-shot trigger in the past never runs (compute it from the current time)",
    ]);
    expect(warningLines(plan, { now: new Date("2026-03-03T07:59:00Z") })).toEqual([]);
  });

  it("has one fire time: next until it passes, then in exactly the windows that hold it", () => {
    const trigger = once("2026-03-03T09:00");
    const at = new Date("2026-03-03T08:00:00Z");
    expect(nextFireTimes(trigger, 3, new Date("2026-03-01T00:00:00Z"))).toEqual([at]);
    expect(nextFireTimes(trigger, 3, at)).toEqual([]);
    expect(lastFireTimeIn(trigger, new Date("2026-03-03T07:59:00Z"), at)).toEqual(at);
    expect(lastFireTimeIn(trigger, at, new Date("2026-03-03T08:01:00Z"))).toBeUndefined();
    expect(
      lastFireTimesIn(
        trigger,
        new Date("2026-03-01T00:00:00Z"),
        new Date("2026-03-04T00:00:00Z"),
        100,
      ),
    ).toEqual([at]);
  });

  it("reads in words in its zone, and gives the plan its zone", () => {
    expect(describeTrigger(once("2026-03-03T09:00"))).toBe(
      "Once, on Tue 3 Mar 2026 at 09:00 (Europe/Berlin)",
    );
    expect(describeTrigger(once("2026-03-03T08:00:00Z", "Asia/Tokyo"))).toBe(
      "Once, on Tue 3 Mar 2026 at 17:00 (Asia/Tokyo)",
    );
    expect(planTimeZone({ trigger: once("2026-03-03T09:00", "Asia/Tokyo") })).toBe("Asia/Tokyo");
  });

  it("is explained to the model, with the current time to compute it from", () => {
    const instructions = chatInstructions({
      now: new Date("2026-03-03T13:41:07Z"),
      timezone: "Europe/Berlin",
    });
    expect(instructions).toContain("The time now is 2026-03-03T14:41:07+01:00 (Europe/Berlin)");
    expect(instructions).toContain('"type": "once"');
    expect(instructions).toContain('"in 20 minutes" = that time + 20 minutes');
    expect(instructions).toMatch(/type: "once"/);
  });
});
