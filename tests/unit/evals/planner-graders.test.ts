import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/plan";
import { CORPUS } from "@/tests/evals/planner/corpus";
import {
  type Attempt,
  type Check,
  type Expectation,
  grade,
  gradeCheck,
} from "@/tests/evals/planner/graders";

const now = new Date("2026-03-02T10:00:00Z"); // a Monday, 11:00 in Berlin
const ctx = { now };

const digest: Plan = {
  version: 1,
  title: "Incident digest",
  trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "Europe/Berlin" },
  steps: [
    { id: "fetch", action: "http.request", input: { url: "http://x.test/incidents" } },
    {
      id: "sev1",
      action: "transform",
      after: ["fetch"],
      input: { value: "{{ steps.fetch.output.body[severity = 'sev-1'] }}" },
    },
    { id: "post", action: "chat.post", after: ["fetch"], input: { text: "{{ steps.fetch }}" } },
    {
      id: "mail",
      action: "email.send",
      after: ["sev1"],
      if: "$count(steps.sev1.output.value) > 0",
      input: { to: "{{ user.email }}", subject: "Sev-1", text: "!" },
    },
  ],
};

const planned = (plan: Plan, extra: Partial<Attempt> = {}): Attempt => ({
  plan,
  text: "",
  toolCalls: [],
  ...extra,
});

/** Runs one check on a plan that must pass it and on one that must not. */
function expectGrader(check: Check, right: Attempt, wrong: Attempt, failure: RegExp) {
  expect(gradeCheck(check, right, ctx)).toMatchObject({ ok: true });
  const result = gradeCheck(check, wrong, ctx);
  expect(result.ok).toBe(false);
  expect(result.detail).toMatch(failure);
}

const edit = (plan: Plan, change: (p: Plan) => void): Plan => {
  const copy = structuredClone(plan);
  change(copy);
  return copy;
};

describe("planner evaluation graders", () => {
  it("trigger: compares a cron by when it fires, and its time zone", () => {
    const check: Check = {
      check: "trigger",
      type: "schedule",
      cron: "30 7 * * MON-FRI",
      timezone: "Europe/Berlin",
    };
    expectGrader(
      check,
      planned(digest),
      planned(edit(digest, (p) => Object.assign(p.trigger, { cron: "30 7 * * *" }))),
      /fires at other times/,
    );
    expect(
      gradeCheck(
        check,
        planned(edit(digest, (p) => Object.assign(p.trigger, { timezone: "UTC" }))),
        ctx,
      ),
    ).toMatchObject({ ok: false, detail: expect.stringMatching(/time zone/) });
  });

  it("trigger: a once trigger in N minutes, or at a local time tomorrow", () => {
    const once = (at: string): Plan => ({
      ...digest,
      trigger: { type: "once", at, timezone: "Europe/Berlin" },
    });
    expectGrader(
      { check: "trigger", type: "once", inMinutes: 20 },
      planned(once("2026-03-02T11:20")),
      planned(once("2026-03-02T12:20")),
      /80\.0 minutes/,
    );
    expectGrader(
      { check: "trigger", type: "once", localTime: "09:00", dayOffset: 1 },
      planned(once("2026-03-03T09:00")),
      planned(once("2026-03-02T09:00")),
      /expected 2026-03-03 09:00/,
    );
    expect(gradeCheck({ check: "trigger", type: "once" }, planned(digest), ctx).detail).toMatch(
      /expected a once trigger, the plan has schedule/,
    );
  });

  it("trigger: an event trigger names the event", () => {
    const onEvent: Plan = {
      ...digest,
      trigger: { type: "event", event: "workflow/run.finished" },
    };
    expectGrader(
      { check: "trigger", type: "event", event: "workflow/run.finished" },
      planned(onEvent),
      planned(edit(onEvent, (p) => Object.assign(p.trigger, { event: "something/else" }))),
      /expected the event/,
    );
  });

  it("actions: required ones are used and unwanted ones are not", () => {
    const check: Check = { check: "actions", include: ["email.send"], exclude: ["slack.post"] };
    expectGrader(
      check,
      planned(digest),
      planned(edit(digest, (p) => p.steps.pop())),
      /no step uses email.send/,
    );
    const slack = edit(digest, (p) =>
      p.steps.push({ id: "s", action: "slack.post", input: { webhook: "x", text: "y" } }),
    );
    expect(gradeCheck(check, planned(slack), ctx).detail).toMatch(/uses slack.post/);
  });

  it("condition: the guarded step's condition reads the right step, through derived steps", () => {
    const check: Check = { check: "condition", guards: "email.send", reads: ["http.request"] };
    expectGrader(
      check,
      planned(digest),
      // Unconditional: the email goes out every time.
      planned(edit(digest, (p) => delete p.steps[3].if)),
      /no email.send step is conditional/,
    );
    // A condition on something else (the time of day) is not the condition asked for.
    const wrongRef = edit(digest, (p) => {
      p.steps[3].if = "$localTime() > '08:00'";
    });
    expect(gradeCheck(check, planned(wrongRef), ctx).ok).toBe(false);
  });

  it("condition: an otherwise branch counts, and so does a condition on the trigger", () => {
    const router: Plan = {
      version: 1,
      title: "Router",
      trigger: { type: "webhook" },
      steps: [
        {
          id: "big",
          action: "email.send",
          if: "trigger.body.employees >= 100",
          input: { to: "sales@acme.test", subject: "x", text: "y" },
        },
        { id: "small", action: "chat.post", else: "big", input: { text: "z" } },
      ],
    };
    expectGrader(
      { check: "condition", guards: "chat.post", reads: ["trigger"] },
      planned(router),
      planned(edit(router, (p) => delete p.steps[1].else)),
      /no chat.post step is conditional/,
    );
  });

  it("loop: the step runs per item of a list read from the right step", () => {
    const loop: Plan = {
      ...digest,
      steps: [
        digest.steps[0],
        {
          id: "each",
          action: "email.send",
          after: ["fetch"],
          forEach: "steps.fetch.output.body",
          maxItems: 10,
          input: { to: "{{ item.email }}", subject: "x", text: "y" },
        },
      ],
    };
    expectGrader(
      { check: "loop", body: "email.send", over: ["http.request"] },
      planned(loop),
      planned(edit(loop, (p) => delete p.steps[1].forEach)),
      /no email.send step has forEach/,
    );
    expect(
      gradeCheck(
        { check: "loop", body: "email.send", over: ["http.request"] },
        planned(edit(loop, (p) => Object.assign(p.steps[1], { forEach: "[1, 2, 3]" }))),
        ctx,
      ).detail,
    ).toMatch(/does not read a list/);
  });

  it("wait: a deadline, after the right step, and a branch on its outcome", () => {
    const venue: Plan = {
      version: 1,
      title: "Venue",
      trigger: { type: "manual" },
      steps: [
        {
          id: "ask",
          action: "email.send",
          input: { to: "bob@acme.test", subject: "x", text: "{{ waits.click.url }}" },
        },
        { id: "click", action: "wait.event", after: ["ask"], input: { until: "17:00" } },
        {
          id: "remind",
          action: "chat.post",
          after: ["click"],
          if: "steps.click.output.timedOut = true",
          input: { text: "no click" },
        },
      ],
    };
    const check: Check = {
      check: "wait",
      action: "wait.event",
      deadline: true,
      after: "email.send",
      branches: ["chat.post"],
    };
    expectGrader(
      check,
      planned(venue),
      planned(edit(venue, (p) => delete p.steps[2].if)),
      /no chat.post step depends on the outcome of click/,
    );
    expect(
      gradeCheck(check, planned(edit(venue, (p) => Object.assign(p.steps[1], { input: {} }))), ctx)
        .detail,
    ).toMatch(/click has no deadline/);
    expect(
      gradeCheck(check, planned(edit(venue, (p) => delete p.steps[1].after)), ctx).detail,
    ).toMatch(/does not come after a email.send step/);
  });

  it("failure: onFailure steps, retries and continue-on-error", () => {
    const sync: Plan = {
      version: 1,
      title: "Sync",
      trigger: { type: "manual" },
      steps: [
        {
          id: "call",
          action: "http.request",
          input: { url: "http://x.test", method: "POST" },
          retry: { attempts: 3 },
          onError: "continue",
        },
      ],
      onFailure: [{ id: "tell", action: "chat.post", input: { text: "{{ error.message }}" } }],
    };
    expectGrader(
      { check: "failure", handler: "onFailure", action: ["chat.post"] },
      planned(sync),
      planned(edit(sync, (p) => delete p.onFailure)),
      /no onFailure steps/,
    );
    expectGrader(
      { check: "failure", handler: "retry", action: ["http.request"] },
      planned(sync),
      planned(edit(sync, (p) => delete p.steps[0].retry)),
      /no http.request step retries/,
    );
    expectGrader(
      { check: "failure", handler: "continue", action: ["http.request"] },
      planned(sync),
      planned(edit(sync, (p) => delete p.steps[0].onError)),
      /continues on error/,
    );
  });

  it("recipient: every side effect of the action addresses the right recipient", () => {
    const check: Check = { check: "recipient", action: "email.send", matches: "user\\.email" };
    expectGrader(
      check,
      planned(digest),
      planned(edit(digest, (p) => Object.assign(p.steps[3].input ?? {}, { to: "eve@evil.test" }))),
      /sends to eve@evil.test/,
    );
    // One right and one wrong email is still wrong.
    const both = edit(digest, (p) =>
      p.steps.push({
        id: "cc",
        action: "email.send",
        input: { to: "eve@evil.test", subject: "x", text: "y" },
      }),
    );
    expect(gradeCheck(check, planned(both), ctx).ok).toBe(false);
  });

  it("input: some step of the action has the field", () => {
    expectGrader(
      { check: "input", action: "http.request", path: "url", matches: "/incidents$" },
      planned(digest),
      planned(
        edit(digest, (p) => Object.assign(p.steps[0].input ?? {}, { url: "http://x.test/other" })),
      ),
      /url is http:\/\/x.test\/other/,
    );
  });

  it("testRun: the test run took the expected branch", () => {
    const check: Check = {
      check: "testRun",
      outcomes: { simulated: ["email.send"] },
      not: { skipped: ["chat.post"] },
    };
    const run = (mail: string, status = "succeeded") => ({
      status,
      steps: [
        { stepId: "fetch", action: "http.request", outcome: "ran" },
        { stepId: "mail", action: "email.send", outcome: mail },
        { stepId: "post", action: "chat.post", outcome: "simulated" },
      ],
    });
    expectGrader(
      check,
      planned(digest, { testRun: run("simulated") }),
      planned(digest, { testRun: run("skipped") }),
      /no email.send step was simulated/,
    );
    expect(gradeCheck(check, planned(digest), ctx).detail).toMatch(/not test-run/);
    expect(
      gradeCheck(check, planned(digest, { testRun: run("simulated", "failed") }), ctx).detail,
    ).toMatch(/the test run failed/);
  });
});

describe("planner evaluation: answers without a plan", () => {
  const said = (text: string): Attempt => ({ text, toolCalls: [] });
  const clarify: Expectation = { answer: "clarify", about: ["url", "which"] };
  const decline: Expectation = { answer: "decline" };

  it("a clarifying question passes; a guessed plan or a statement does not", () => {
    expect(grade(clarify, said("Which URL should I check?"), ctx).ok).toBe(true);
    expect(grade(clarify, planned(digest), ctx).failing?.detail).toMatch(
      /saved a plan .* instead of asking/,
    );
    expect(grade(clarify, said("OK, monitoring it now."), ctx).failing?.detail).toMatch(
      /did not ask/,
    );
    expect(grade(clarify, said("Should I use email?"), ctx).failing?.detail).toMatch(
      /not about url/,
    );
    // A question inside quotes (an example, the person's words echoed) is not the reply asking.
    expect(
      grade(clarify, said('You said: "which url?". I only understand "why did it fail?"'), ctx)
        .failing?.detail,
    ).toMatch(/did not ask/);
  });

  it("an honest refusal passes; a plan or a cheerful yes does not", () => {
    expect(grade(decline, said("I can't make phone calls."), ctx).ok).toBe(true);
    expect(grade(decline, planned(digest), ctx).failing?.name).toBe("decline");
    expect(grade(decline, said("Done! I will call her."), ctx).failing?.detail).toMatch(
      /did not say it cannot/,
    );
    expect(grade(decline, said('Sure. You said: "you can\'t do this"'), ctx).ok).toBe(false);
  });

  it("a plan expectation fails without a plan, naming what the planner refused", () => {
    const expectation: Expectation = { answer: "plan", checks: [] };
    const refused = grade(
      expectation,
      { text: "", toolCalls: [], plannerErrors: ["steps[0]: unknown action"] },
      ctx,
    );
    expect(refused.failing).toMatchObject({
      name: "plan",
      detail: expect.stringMatching(/refused/),
    });
    expect(
      grade(expectation, { text: "", toolCalls: [], error: "ECONNREFUSED" }, ctx).failing,
    ).toMatchObject({ name: "turn" });
    expect(grade(expectation, planned(digest), ctx).ok).toBe(true);
  });
});

describe("the limits grader", () => {
  const hook: Plan = {
    version: 1,
    title: "Orders",
    trigger: { type: "webhook", idempotencyKey: "{{ trigger.body.id }}" },
    limits: { singleton: "skip", timeout: "10m" },
    steps: [{ id: "post", action: "chat.post", input: { text: "{{ trigger.body.id }}" } }],
  };
  it("checks the singleton mode, the fields set and what the key reads", () => {
    expectGrader(
      { check: "limits", singleton: "skip" },
      planned(hook),
      planned(edit(hook, (p) => (p.limits = { singleton: "replace" }))),
      /singleton is replace, expected skip/,
    );
    expectGrader(
      { check: "limits", has: ["timeout"] },
      planned(hook),
      planned(edit(hook, (p) => delete p.limits)),
      /limits.timeout is not set/,
    );
    expectGrader(
      { check: "limits", idempotencyKey: "trigger.body.id" },
      planned(hook),
      planned(edit(hook, (p) => (p.trigger = { type: "webhook" }))),
      /no idempotencyKey/,
    );
    expectGrader(
      { check: "limits", idempotencyKey: "trigger.body.id" },
      planned(hook),
      planned(
        edit(
          hook,
          (p) => (p.trigger = { type: "webhook", idempotencyKey: "{{ trigger.body.ref }}" }),
        ),
      ),
      /does not read trigger.body.id/,
    );
  });
});

describe("planner evaluation corpus", () => {
  it("has at least 40 requests with unique ids across every level", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
    const levels = new Set(CORPUS.map((c) => c.level));
    expect([...levels].sort()).toEqual(["ambiguous", "hard", "impossible", "medium", "simple"]);
  });

  it("has a recorded answer for every request, and none for a request it lacks", () => {
    const dir = path.join(import.meta.dirname, "../../evals/planner/recorded");
    const recorded = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    expect(recorded).toEqual(CORPUS.map((c) => c.id).sort());
  });

  it("asks for a test run wherever a testRun check needs one", () => {
    for (const c of CORPUS) {
      const needs =
        c.expect.answer === "plan" && c.expect.checks.some((k) => k.check === "testRun");
      if (needs) expect(c.testRun, c.id).toBeDefined();
    }
  });
});
