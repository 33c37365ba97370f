import { describe, expect, it } from "vitest";
import { actionRegistry } from "@/lib/actions/registry";
import { askedSchedule, withAskedSchedule } from "@/lib/demo-model/schedule";
import { nextFireTimes } from "@/lib/plan/schedule";
import { validatePlan } from "@/lib/plan/validate";

// Tuesday 1 December 2026, 10:07:30 in Berlin (09:07:30 UTC).
const NOW = Date.UTC(2026, 11, 1, 9, 7, 30);
const ZONE = "Europe/Berlin";

const template = () => ({
  version: 1,
  title: "Reminder",
  summary: "Every weekday at 16:30, remind me here: stretch.",
  trigger: { type: "schedule", cron: "30 16 * * 1-5", timezone: ZONE },
  steps: [{ id: "post", action: "chat.post", input: { text: "Stretch." } }],
});

const cronFor = (message: string) =>
  (withAskedSchedule(template(), message, NOW).trigger as { cron?: string }).cron;

describe("the demo model's schedules from words", () => {
  it.each([
    ["every Friday at 5pm, remind me", "0 17 * * 5"],
    ["Every weekday at 7:30 remind me", "30 7 * * 1-5"],
    ["remind me every day at 8", "0 8 * * *"],
    ["each morning at 6:15", "15 6 * * *"],
    ["every Monday and Thursday at 9am", "0 9 * * 1,4"],
    ["on weekends at 10", "0 10 * * 0,6"],
    ["every 15 minutes", "*/15 * * * *"],
    ["every hour", "0 * * * *"],
    ["hourly on weekdays", "0 * * * 1-5"],
    ["every 2 hours", "0 */2 * * *"],
    ["on the 1st of every month at 9", "0 9 1 * *"],
    ["monthly", "30 16 1 * *"],
    // Only the days: the template's time stays.
    ["every Sunday", "30 16 * * 0"],
    // Only the time: the template's days stay.
    ["at 18:45", "45 18 * * 1-5"],
  ])("%s → %s", (message, cron) => {
    expect(cronFor(message)).toBe(cron);
  });

  it("keeps the template's schedule when the message names none", () => {
    expect(withAskedSchedule(template(), "remind me to stretch", NOW)).toEqual(template());
  });

  it("rewrites the summary's lead phrase to match", () => {
    const plan = withAskedSchedule(template(), "every Friday at 5pm", NOW);
    expect(plan.summary).toBe("Every Friday at 17:00, remind me here: stretch.");
  });

  it("makes 'in 20 minutes' a one-time run at that minute", () => {
    const plan = withAskedSchedule(template(), "Remind me in 20 minutes to stretch.", NOW);
    expect(plan.trigger).toEqual({ type: "once", at: "2026-12-01T09:28:00Z", timezone: ZONE });
    expect(plan.summary).toBe("In 20 minutes, remind me here: stretch.");
    expect(validatePlan(plan, { catalog: actionRegistry, now: new Date(NOW) }).ok).toBe(true);
    expect(askedSchedule("in an hour", NOW, ZONE)).toMatchObject({ at: "2026-12-01T10:08:00Z" });
    expect(askedSchedule("in 2 hours", NOW, ZONE)).toMatchObject({ at: "2026-12-01T11:08:00Z" });
  });

  it("places 'tomorrow at 9' and 'on 3 March' in the plan's zone", () => {
    const tomorrow = withAskedSchedule(template(), "Tomorrow at 9am, remind me to call", NOW);
    expect(tomorrow.trigger).toEqual({ type: "once", at: "2026-12-02T09:00", timezone: ZONE });
    const fire = nextFireTimes(tomorrow.trigger as never, 1, new Date(NOW))[0];
    expect(fire.toISOString()).toBe("2026-12-02T08:00:00.000Z");
    // A date that has passed this year is next year's.
    expect(askedSchedule("on 3 March at 9", NOW, ZONE)).toMatchObject({ at: "2027-03-03T09:00" });
    expect(askedSchedule("on December 24th at 18:00", NOW, ZONE)).toMatchObject({
      at: "2026-12-24T18:00",
    });
    expect(askedSchedule("on 31 April", NOW, ZONE)).toBeUndefined();
  });

  it("leaves a plan that is not on a schedule alone", () => {
    const hook = { ...template(), trigger: { type: "webhook" } };
    expect(withAskedSchedule(hook, "every Friday at 5pm", NOW)).toEqual(hook);
  });

  it("refuses intervals a cron minute cannot hold", () => {
    expect(askedSchedule("every 90 minutes", NOW, ZONE)).toBeUndefined();
  });
});
