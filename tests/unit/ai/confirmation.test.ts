// When starting or cancelling a run may go ahead without a confirmation card: only when the
// person's own latest message asked for exactly that action.
import { describe, expect, it } from "vitest";
import {
  type ActionTarget,
  askedForExactly,
  type PersonRequest,
  valueInMessage,
} from "@/lib/ai/confirmation";

const digest = { id: "11111111-1111-4111-8111-111111111111", title: "Weekday incident digest" };
const sales = { id: "22222222-2222-4222-8222-222222222222", title: "Weekly sales digest" };
const greeting = { id: "33333333-3333-4333-8333-333333333333", title: "Greeting" };
const runId = "44444444-4444-4444-8444-444444444444";

const run = (workflow = digest, chosenValues: unknown = {}): ActionTarget => ({
  intent: "run",
  workflow,
  chosenValues,
});
const cancel = (onlyActiveRun = true, workflow = digest): ActionTarget => ({
  intent: "cancel",
  workflow,
  runId,
  onlyActiveRun,
});

const rerun = (workflow = digest): ActionTarget => ({ intent: "rerun", workflow, runId });

const request = (text: string, extra: Partial<PersonRequest> = {}): PersonRequest => ({
  text,
  workflows: [digest, greeting],
  threadWorkflowIds: [digest.id],
  readOutsideData: false,
  ...extra,
});

describe("asked for exactly that", () => {
  const asked: Array<[string, ActionTarget, PersonRequest]> = [
    ["names the workflow by a word of its title", run(), request("run the digest")],
    ["names it by its whole title", run(), request("Run Weekday incident digest now")],
    ["says 'run it' with one workflow in the thread", run(), request("run it")],
    ["says 'start that again'", run(), request("please start that again")],
    ["quotes the workflow id", run(), request(`execute ${digest.id}`)],
    [
      "types every input value",
      run(greeting, { name: "Ada" }),
      request("run the greeting for Ada"),
    ],
    ["types a number input", run(digest, { days: 3 }), request("run the digest for 3 days")],
    [
      "tells two digests apart by another word",
      run(digest, {}),
      request("run the weekday digest", { workflows: [digest, sales] }),
    ],
    ["cancels the only unfinished run", cancel(), request("cancel the digest")],
    ["cancels by run id", cancel(false), request(`stop run ${runId}`)],
  ];
  it.each(asked)("goes ahead when the message %s", (_, target, req) => {
    expect(askedForExactly(target, req)).toEqual({ asked: true });
  });

  const confirm: Array<[string, ActionTarget, PersonRequest, RegExp]> = [
    [
      "asks something unrelated",
      run(greeting, { name: "Mallory" }),
      request("What is on my calendar today"),
      /did not ask to run/,
    ],
    [
      "read outside data earlier in the turn",
      run(),
      request("run the digest", { readOutsideData: true }),
      /Outside data/,
    ],
    ["asks a question", run(), request("should I run the digest?"), /question/],
    ["says not to", run(), request("don't run the digest"), /says not to/],
    ["says never", run(), request("never run the digest on Fridays"), /says not to/],
    [
      "runs a workflow other than the one named",
      run(greeting),
      request("run the digest"),
      /another of your workflows|did not name/,
    ],
    [
      "could mean two workflows",
      run(digest),
      request("run the digest", { workflows: [digest, sales] }),
      /another of your workflows/,
    ],
    [
      "names another workflow better",
      run(digest),
      request("run the weekly sales digest", { workflows: [digest, sales] }),
      /another of your workflows/,
    ],
    [
      "says 'run it' with two workflows in the thread",
      run(),
      request("run it", { threadWorkflowIds: [digest.id, greeting.id] }),
      /did not name/,
    ],
    [
      "says 'run it' but the thread's workflow is another",
      run(digest),
      request("run it", { threadWorkflowIds: [greeting.id] }),
      /did not name/,
    ],
    [
      "lacks an input value the model chose",
      run(greeting, { name: "Mallory" }),
      request("run the greeting"),
      /"Mallory" is not in your message/,
    ],
    [
      "has a value only as part of a longer number",
      run(digest, { days: 3 }),
      request("run the digest for 30 days"),
      /3 is not in your message/,
    ],
    [
      "has a nested value missing",
      run(greeting, { to: { email: "eve@evil.test" } }),
      request("run the greeting"),
      /eve@evil.test/,
    ],
    [
      "asks to run when the call cancels",
      cancel(),
      request("run the digest"),
      /did not ask to cancel/,
    ],
    [
      "asks to cancel when the call runs",
      run(),
      request("cancel the digest"),
      /did not ask to run/,
    ],
    [
      "cancels a workflow with several runs going, without saying which",
      cancel(false),
      request("cancel the digest"),
      /which of its runs/,
    ],
    [
      "acts on a workflow that is not the person's",
      { intent: "run", workflow: undefined, chosenValues: {} },
      request("run the digest"),
      /not yours/,
    ],
    [
      "asks for a re-run in so many words (a re-run always shows its preview)",
      rerun(),
      request(`re-run the digest run ${runId} from where it failed`),
      /check what runs again/,
    ],
    [
      "asks for a re-run after outside data was read",
      rerun(),
      request("rerun the digest", { readOutsideData: true }),
      /Outside data/,
    ],
  ];
  it.each(confirm)("asks for confirmation when the message %s", (_, target, req, reason) => {
    const verdict = askedForExactly(target, req);
    expect(verdict.asked).toBe(false);
    expect(verdict.asked ? "" : verdict.reason).toMatch(reason);
  });
});

describe("a value in the person's words", () => {
  it.each<[unknown, string, boolean]>([
    ["Ada", "greet ada please", true],
    ["New  York", "weather in new york", true],
    ["", "anything", false],
    [3, "for 3 days", true],
    [3, "for 3.5 days", false],
    [2.5, "wait 2.5 hours", true],
    [true, "dry run true", true],
    [false, "run it", false],
    [null, "null", false],
  ])("%j in %j: %s", (value, text, expected) => {
    expect(valueInMessage(value, text)).toBe(expected);
  });
});
