// Which runs a bulk action may take: statuses that fit the kind, a time range in order, and the
// filter in words for its confirmation.
import { describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));
const { checkBulkFilter } = await import("@/lib/runs/bulk");
const { describeBulkFilter } = await import("@/lib/runs/bulk-words");

const now = new Date("2028-03-01T09:00:00Z");

describe("bulk filters", () => {
  it("defaults to the runs each kind can act on", () => {
    expect(checkBulkFilter("rerun", {}, now).statuses).toEqual(["failed"]);
    expect(checkBulkFilter("cancel", {}, now).statuses).toEqual(["queued", "running", "waiting"]);
  });

  it("refuses statuses the kind cannot act on, saying which", () => {
    expect(() => checkBulkFilter("rerun", { status: ["failed", "running"] }, now)).toThrow(
      "Only runs that ended can be re-run (failed, cancelled, succeeded), not running ones.",
    );
    expect(() => checkBulkFilter("cancel", { status: ["succeeded"] }, now)).toThrow(
      /Only runs still going can be cancelled/,
    );
  });

  it("wants a time range in order, not in the future, at most a year long", () => {
    const range = (from: string, to?: string) => () =>
      checkBulkFilter("rerun", { from, ...(to ? { to } : {}) }, now);
    expect(range("2028-03-01T08:00:00Z", "2028-03-01T07:00:00Z")).toThrow("ends before it starts");
    expect(range("2028-03-02T00:00:00Z")).toThrow("starts in the future");
    expect(range("2026-01-01T00:00:00Z")).toThrow("longer than a year");
    expect(range("2028-02-29T20:00:00Z", "2028-03-01T08:00:00Z")()).toEqual({
      statuses: ["failed"],
      from: new Date("2028-02-29T20:00:00Z"),
      to: new Date("2028-03-01T08:00:00Z"),
    });
  });

  it("says in words which runs it takes", () => {
    expect(
      describeBulkFilter("rerun", {
        from: "2028-02-29T20:00:00Z",
        to: "2028-03-01T08:00:00Z",
        failedStep: "fetch",
      }),
    ).toBe(
      'failed runs created 2028-02-29 20:00 UTC – 2028-03-01 08:00 UTC whose step "fetch" failed',
    );
    expect(describeBulkFilter("cancel", {})).toBe("queued, running, waiting runs");
  });

  it("says the time range in the person's zone when it is known", () => {
    const lastNight = { from: "2028-02-29T20:00:00Z", to: "2028-03-01T08:00:00Z" };
    expect(describeBulkFilter("rerun", lastNight, "Europe/Paris")).toBe(
      "failed runs created Tue 29 Feb 2028, 21:00 – Wed 1 Mar 2028, 09:00 (Europe/Paris)",
    );
    expect(describeBulkFilter("rerun", { from: lastNight.from }, "Asia/Tokyo")).toBe(
      "failed runs created since Wed 1 Mar 2028, 05:00 (Asia/Tokyo)",
    );
    expect(
      describeBulkFilter("cancel", { to: lastNight.to, status: ["waiting"] }, "America/New_York"),
    ).toBe("waiting runs created before Wed 1 Mar 2028, 03:00 (America/New_York)");
    expect(describeBulkFilter("cancel", {}, "Europe/Paris")).toBe("queued, running, waiting runs");
  });
});
