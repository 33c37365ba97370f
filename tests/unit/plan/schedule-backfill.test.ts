// The fire times a back-fill starts: the latest ones of a schedule in (from, to], oldest first,
// capped, in the trigger's own zone.
import { describe, expect, it } from "vitest";
import { lastFireTimesIn } from "@/lib/plan/schedule";

const every = (cron: string, timezone = "UTC") => ({ type: "schedule" as const, cron, timezone });

describe("fire times missed in a window", () => {
  it("lists every fire time in (from, to], oldest first", () => {
    const times = lastFireTimesIn(
      every("0 * * * *"),
      new Date("2028-02-29T01:00:00Z"),
      new Date("2028-02-29T04:00:00Z"),
      100,
    );
    expect(times.map((t) => t.toISOString())).toEqual([
      "2028-02-29T02:00:00.000Z",
      "2028-02-29T03:00:00.000Z",
      "2028-02-29T04:00:00.000Z",
    ]);
  });

  it("keeps only the latest `max` of a long pause", () => {
    const times = lastFireTimesIn(
      every("* * * * *"),
      new Date("2028-02-28T00:00:00Z"),
      new Date("2028-02-29T12:00:30Z"),
      100,
    );
    expect(times).toHaveLength(100);
    expect(times[0].toISOString()).toBe("2028-02-29T10:21:00.000Z");
    expect(times[99].toISOString()).toBe("2028-02-29T12:00:00.000Z");
  });

  it("follows the trigger's zone and knows nothing for other triggers or an empty window", () => {
    const berlin = lastFireTimesIn(
      every("0 8 * * *", "Europe/Berlin"),
      new Date("2028-03-24T00:00:00Z"),
      new Date("2028-03-27T00:00:00Z"),
      10,
    );
    // 08:00 CET is 07:00 UTC; after the switch to summer time (26 March) it is 06:00 UTC.
    expect(berlin.map((t) => t.toISOString())).toEqual([
      "2028-03-24T07:00:00.000Z",
      "2028-03-25T07:00:00.000Z",
      "2028-03-26T06:00:00.000Z",
    ]);
    expect(
      lastFireTimesIn({ type: "manual" }, new Date(0), new Date("2028-01-01T00:00:00Z"), 10),
    ).toEqual([]);
    const at = new Date("2028-02-29T02:00:00Z");
    expect(lastFireTimesIn(every("0 * * * *"), at, at, 10)).toEqual([]);
  });
});
