// The workflow page's linkable filters: what the URL may say, and the instants its days mean in
// the person's zone.
import { describe, expect, it } from "vitest";
import { historyFilter, pageHref, readPageParams } from "@/app/(chat)/workflows/[id]/params";
import { formatDay, startOfDayIn } from "@/lib/workflows/when";

describe("workflow page params", () => {
  it("reads a status, a date range and a window", () => {
    expect(
      readPageParams({ status: "failed", from: "2026-11-02", to: "2026-11-30", window: "30d" }),
    ).toEqual({ status: "failed", from: "2026-11-02", to: "2026-11-30", window: "30d" });
  });

  it("ignores what it cannot read and defaults the window to 7 days", () => {
    expect(
      readPageParams({ status: "exploded", from: "yesterday", to: "2026-13", window: "1y" }),
    ).toEqual({ status: null, from: null, to: null, window: "7d" });
    expect(readPageParams({ status: ["waiting", "failed"] }).status).toBe("waiting");
  });

  it("turns local days into a half-open range of instants in the person's zone", () => {
    const params = readPageParams({ status: "failed", from: "2026-11-02", to: "2026-11-03" });
    expect(historyFilter(params, "Europe/Berlin")).toEqual({
      status: ["failed"],
      from: "2026-11-01T23:00:00.000Z",
      to: "2026-11-03T23:00:00.000Z",
    });
    expect(historyFilter(readPageParams({}), "UTC")).toEqual({});
  });

  it("starts a day at local midnight across a daylight-saving change", () => {
    // Berlin leaves summer time on 25 Oct 2026: the 26th starts one hour later in UTC.
    expect(startOfDayIn("2026-10-25", "Europe/Berlin")).toBe("2026-10-24T22:00:00.000Z");
    expect(startOfDayIn("2026-10-25", "Europe/Berlin", 1)).toBe("2026-10-25T23:00:00.000Z");
    expect(startOfDayIn("25.10.2026", "Europe/Berlin")).toBeUndefined();
  });

  it("links a changed view, keeping the rest and leaving defaults out", () => {
    const params = readPageParams({ status: "failed", window: "24h" });
    expect(pageHref("w1", params, { window: "7d" })).toBe("/workflows/w1?status=failed");
    expect(pageHref("w1", params, { status: null })).toBe("/workflows/w1?window=24h");
  });

  it("labels a chart day without shifting it into another zone", () => {
    expect(formatDay("2026-12-01")).toBe("1 Dec");
    expect(formatDay("2026-01-31")).toBe("31 Jan");
  });
});
