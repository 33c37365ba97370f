import { describe, expect, it } from "vitest";
import { waitDeadlineFor } from "@/inngest/functions/wait-steps";
import {
  isTruncated,
  jsonBytes,
  retryDelayMs,
  summarize,
  truncateMessage,
} from "@/lib/runs/summary";
import { resumeToken, resumeUrl, verifyResumeToken } from "@/lib/runs/tokens";

const RUN = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

describe("resume tokens", () => {
  it("round-trips run and step under the same secret", () => {
    const token = resumeToken("s3cret", RUN, "approve");
    expect(verifyResumeToken("s3cret", token)).toEqual({ runId: RUN, stepId: "approve" });
  });

  it("rejects another secret, another step, a changed MAC and malformed tokens", () => {
    const token = resumeToken("s3cret", RUN, "approve");
    expect(verifyResumeToken("other", token)).toBeUndefined();
    const [run, , mac] = token.split(".");
    expect(verifyResumeToken("s3cret", `${run}.reject.${mac}`)).toBeUndefined();
    expect(verifyResumeToken("s3cret", `${token.slice(0, -1)}A`)).toBeUndefined();
    expect(verifyResumeToken("s3cret", "nope")).toBeUndefined();
    expect(verifyResumeToken("s3cret", `${token}.extra`)).toBeUndefined();
  });

  it("is unguessable: the MAC is 256 bits", () => {
    const mac = resumeToken("s3cret", RUN, "approve").split(".")[2];
    expect(Buffer.from(mac, "base64url")).toHaveLength(32);
  });

  it("builds the URL under the app's base", () => {
    expect(resumeUrl("https://x.example/", "t")).toBe("https://x.example/api/resume/t");
  });
});

describe("summaries and size caps", () => {
  it("keeps small values as they are", () => {
    expect(summarize({ a: 1 })).toEqual({ a: 1 });
    expect(summarize(undefined)).toBeNull();
  });

  it("replaces big values with a preview that fits the cap", () => {
    const big = { text: "é".repeat(20_000) };
    const summary = summarize(big, 1024);
    expect(isTruncated(summary)).toBe(true);
    if (!isTruncated(summary)) return;
    expect(summary.bytes).toBe(jsonBytes(big));
    expect(Buffer.byteLength(summary.preview, "utf8")).toBeLessThanOrEqual(1024);
  });

  it("truncates long error messages", () => {
    expect(truncateMessage("x".repeat(10), 5)).toBe("xxxx…");
  });

  it("computes plan backoff delays", () => {
    expect(retryDelayMs({ backoff: "none", delayMs: 500 }, 3)).toBe(0);
    expect(retryDelayMs({ backoff: "fixed", delayMs: 500 }, 3)).toBe(500);
    expect(retryDelayMs({ backoff: "exponential", delayMs: 500 }, 1)).toBe(500);
    expect(retryDelayMs({ backoff: "exponential", delayMs: 500 }, 3)).toBe(2000);
    expect(retryDelayMs({}, 2)).toBe(2000);
  });
});

describe("wait deadlines", () => {
  const berlin = "Europe/Berlin";

  it("puts a local time after the spring-forward change at the summer offset", () => {
    // 2025-03-30 02:00 CET → 03:00 CEST. 08:00 on the 30th is 06:00Z, on the 29th 07:00Z.
    const now = "2025-03-29T12:00:00Z";
    expect(waitDeadlineFor("wait.until", { at: "08:00", dayOffset: 1 }, now, berlin)).toBe(
      "2025-03-30T06:00:00.000Z",
    );
    expect(waitDeadlineFor("wait.until", { at: "20:00" }, now, berlin)).toBe(
      "2025-03-29T19:00:00.000Z",
    );
  });

  it("moves a skipped wall time forward by the gap and takes the earlier of a repeated one", () => {
    expect(waitDeadlineFor("wait.until", { at: "02:30" }, "2025-03-30T00:00:00Z", berlin)).toBe(
      "2025-03-30T01:30:00.000Z",
    );
    // 2025-10-26 03:00 CEST → 02:00 CET: 02:30 happens twice; the first is 00:30Z.
    expect(waitDeadlineFor("wait.until", { at: "02:30" }, "2025-10-25T23:00:00Z", berlin)).toBe(
      "2025-10-26T00:30:00.000Z",
    );
  });

  it("reads delays, approval timeouts and the earlier of timeout/until", () => {
    const now = "2025-01-01T10:00:00Z";
    expect(waitDeadlineFor("wait.delay", { duration: "90s" }, now, "UTC")).toBe(
      "2025-01-01T10:01:30.000Z",
    );
    expect(waitDeadlineFor("wait.approval", { timeout: "1h" }, now, "UTC")).toBe(
      "2025-01-01T11:00:00.000Z",
    );
    expect(waitDeadlineFor("wait.event", { timeout: "2h", until: "10:30" }, now, "UTC")).toBe(
      "2025-01-01T10:30:00.000Z",
    );
  });
});
