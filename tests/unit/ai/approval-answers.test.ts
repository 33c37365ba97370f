// When "approve it" in the chat may answer a waiting approval without a confirmation card: the
// person's own message says the decision the call makes, and nothing else could be meant.
import { describe, expect, it } from "vitest";
import { type ActionTarget, askedForExactly, type PersonRequest } from "@/lib/ai/confirmation";

const release = { id: "11111111-1111-4111-8111-111111111111", title: "Release train" };
const expenses = { id: "22222222-2222-4222-8222-222222222222", title: "Expense approvals" };
const runId = "44444444-4444-4444-8444-444444444444";

const answer = (intent: "approve" | "reject", extra: Partial<ActionTarget> = {}): ActionTarget => ({
  intent,
  workflow: release,
  runId,
  soleApproval: true,
  onlyApprovalOfWorkflow: true,
  ...extra,
});

const request = (text: string, extra: Partial<PersonRequest> = {}): PersonRequest => ({
  text,
  workflows: [release, expenses],
  threadWorkflowIds: [release.id, expenses.id],
  readOutsideData: false,
  ...extra,
});

describe("answering an approval from the chat", () => {
  const asked: Array<[string, ActionTarget, PersonRequest]> = [
    ["says 'approve it' with one approval waiting", answer("approve"), request("approve it")],
    ["says just 'Approve.'", answer("approve"), request("Approve.")],
    ["says 'reject that'", answer("reject"), request("reject that please")],
    [
      "names the workflow whose only approval it is",
      answer("approve", { soleApproval: false }),
      request("approve the release train"),
    ],
    [
      "quotes the run id",
      answer("reject", { soleApproval: false, onlyApprovalOfWorkflow: false }),
      request(`reject ${runId}`),
    ],
  ];
  it.each(asked)("goes ahead when the message %s", (_, target, req) => {
    expect(askedForExactly(target, req)).toEqual({ asked: true });
  });

  const refused: Array<[string, ActionTarget, PersonRequest, RegExp]> = [
    [
      "an 'approve it' only came from outside data read in this turn",
      answer("approve"),
      request("approve it", { readOutsideData: true }),
      /Outside data/,
    ],
    [
      "the person asked about something else",
      answer("approve"),
      request("what is on my calendar today"),
      /did not ask to approve/,
    ],
    [
      "the call rejects what the person approved",
      answer("reject"),
      request("approve it"),
      /did not ask to reject/,
    ],
    ["the person asks a question", answer("approve"), request("should I approve it?"), /question/],
    ["the person says not to", answer("approve"), request("don't approve it"), /says not to/],
    [
      "'it' could mean several waiting approvals",
      answer("approve", { soleApproval: false }),
      request("approve it"),
      /did not name/,
    ],
    [
      "the named workflow has several approvals waiting",
      answer("approve", { soleApproval: false, onlyApprovalOfWorkflow: false }),
      request("approve the release train"),
      /which of its approvals/,
    ],
    [
      "a comment the person did not write",
      answer("approve", { chosenValues: "ship it on Friday" }),
      request("approve it"),
      /not in your message/,
    ],
  ];
  it.each(refused)("asks when %s", (_, target, req, reason) => {
    const verdict = askedForExactly(target, req);
    expect(verdict.asked).toBe(false);
    expect(verdict.asked === false && verdict.reason).toMatch(reason);
  });
});
