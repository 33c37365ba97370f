// Where a wait's decision stands, one rule for the resume page, its POST, the run card, the
// chat and the wait's own `:done`: the first signal by the deadline counts, nothing after it.
import { describe, expect, it } from "vitest";
import {
  decidedBy,
  decisionOf,
  decisionSummary,
  expiredAt,
  signalCounts,
  waitStateOf,
} from "@/lib/runs/wait-decision";

const now = Date.parse("2026-03-02T12:00:00Z");
const deadline = "2026-03-02T12:30:00Z";
const owner = "owner-id";

describe("where a wait stands", () => {
  it("is open while the run waits before its deadline, or has not reached the wait", () => {
    expect(waitStateOf({ runStatus: "waiting", deadline }, now)).toBe("open");
    expect(waitStateOf({ runStatus: "running" }, now)).toBe("open");
  });

  it("is decided by a signal stored by the deadline, even after the run ended", () => {
    const signaledAt = "2026-03-02T12:10:00Z";
    expect(waitStateOf({ runStatus: "waiting", deadline, signaledAt }, now)).toBe("decided");
    expect(
      waitStateOf(
        { runStatus: "succeeded", deadline, signaledAt, consumedAt: "2026-03-02T12:10:01Z" },
        now,
      ),
    ).toBe("decided");
  });

  it("is expired once the deadline passed, before the engine timed the wait out", () => {
    expect(waitStateOf({ runStatus: "waiting", deadline }, Date.parse(deadline) + 1)).toBe(
      "expired",
    );
    expect(waitStateOf({ runStatus: "waiting", deadline }, Date.parse(deadline))).toBe("open");
  });

  it("is expired when the wait ended with no signal that counts, whatever the run did next", () => {
    const consumedAt = "2026-03-02T12:30:01Z";
    expect(waitStateOf({ runStatus: "succeeded", deadline, consumedAt }, now)).toBe("expired");
    expect(expiredAt({ runStatus: "succeeded", deadline, consumedAt })).toBe(deadline);
    expect(expiredAt({ runStatus: "succeeded", consumedAt })).toBe("2026-03-02T12:30:01.000Z");
    // A signal stored after the wait ended, or after the deadline, never counts.
    expect(
      waitStateOf(
        { runStatus: "running", deadline, consumedAt, signaledAt: "2026-03-02T12:31:00Z" },
        now,
      ),
    ).toBe("expired");
    expect(signalCounts({ deadline, signaledAt: "2026-03-02T12:30:00.001Z" })).toBe(false);
    expect(signalCounts({ deadline, signaledAt: deadline })).toBe(true);
  });

  it("says the run was cancelled, or finished, when it ended before any decision", () => {
    expect(waitStateOf({ runStatus: "cancelled", deadline }, now)).toBe("cancelled");
    expect(waitStateOf({ runStatus: "failed" }, now)).toBe("finished");
    expect(waitStateOf({ runStatus: "running", skipped: true }, now)).toBe("skipped");
  });
});

describe("who decided", () => {
  it("tells the link, the owner on the page, the thread and the chat apart", () => {
    const link = decisionOf({ via: "url", data: { approved: true, by: "link" } }, owner);
    expect(link).toEqual({ approved: true, byOwner: false, from: "link" });
    expect(decidedBy(link, false)).toBe("via the link");
    const page = decisionOf({ via: "url", data: { approved: false, by: owner } }, owner);
    expect(decidedBy(page, true)).toBe("by you via the link");
    expect(decidedBy(page, false)).toBe("by the run's owner via the link");
    const thread = decisionOf({ via: "approval", data: { approved: true, by: owner } }, owner);
    expect(decisionSummary(thread, true)).toBe("Approved by you from the thread");
    const chat = decisionOf(
      { via: "approval", data: { approved: false, by: owner, from: "chat" } },
      owner,
    );
    expect(decisionSummary(chat, true)).toBe("Rejected by you in the chat");
    expect(decisionSummary(decisionOf({ via: "url", data: null }, owner), false)).toBe(
      "Answered via the link",
    );
  });
});
