import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { PlanSchema } from "@/lib/plan/schema";
import { waitDeadline, waitStepIds, waitUntilInstant } from "@/lib/plan/waits";

const berlin = (now: string) => ({ now, timeZone: "Europe/Berlin" });

describe("wait helpers", () => {
  it("resolves a local time of day on the local date of now, across DST", () => {
    expect(waitUntilInstant({ at: "08:00" }, berlin("2026-03-28T06:30:00Z"))).toBe(
      "2026-03-28T07:00:00.000Z",
    );
    expect(waitUntilInstant({ at: "08:00" }, berlin("2026-03-29T05:30:00Z"))).toBe(
      "2026-03-29T06:00:00.000Z",
    );
    expect(waitUntilInstant({ at: "08:00", dayOffset: 1 }, berlin("2026-03-28T06:30:00Z"))).toBe(
      "2026-03-29T06:00:00.000Z",
    );
  });

  it("keeps a past local time in the past (the wait ends at once)", () => {
    expect(waitUntilInstant({ at: "08:00" }, berlin("2026-03-30T07:00:00Z"))).toBe(
      "2026-03-30T06:00:00.000Z",
    );
  });

  it("passes an instant through", () => {
    expect(
      waitUntilInstant({ at: "2026-03-30T08:00:00+02:00" }, berlin("2026-03-30T04:00:00Z")),
    ).toBe("2026-03-30T06:00:00.000Z");
  });

  it("takes the earlier of timeout and until", () => {
    const env = berlin("2026-03-30T06:00:00Z"); // 08:00 in Berlin
    expect(waitDeadline({ until: "08:30" }, env)).toBe("2026-03-30T06:30:00.000Z");
    expect(waitDeadline({ timeout: "10m", until: "08:30" }, env)).toBe("2026-03-30T06:10:00.000Z");
    expect(waitDeadline({ timeout: "2h", until: "08:30" }, env)).toBe("2026-03-30T06:30:00.000Z");
    expect(waitDeadline({}, env)).toBeUndefined();
  });

  it("lists the steps that need resume URLs", () => {
    const plan = PlanSchema.parse({
      version: 1,
      title: "t",
      trigger: { type: "manual" },
      steps: [
        { id: "mail", action: "email.send", input: {} },
        { id: "ok", action: "wait.approval", input: {} },
        { id: "pause", action: "wait.delay", input: {} },
      ],
      onFailure: [{ id: "hold", action: "wait.event", input: {} }],
    });
    expect(waitStepIds(plan, actionRegistry)).toEqual(["ok", "pause", "hold"]);
  });
});
