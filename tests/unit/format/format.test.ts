import { describe, expect, it } from "vitest";
import { durationBetween, formatDuration } from "@/lib/format/duration";
import { formatClock, formatDateTime, formatWhen } from "@/lib/format/time";

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [-5, "0 ms"],
    [Number.NaN, "0 ms"],
    [1, "1 ms"],
    [914, "914 ms"],
    [999, "999 ms"],
    [999.4, "999 ms"],
    [999.6, "1 s"],
    [1000, "1 s"],
    [1049, "1 s"],
    [1050, "1.1 s"],
    [2901, "2.9 s"],
    [4400, "4.4 s"],
    [30_000, "30 s"],
    [59_900, "59.9 s"],
    [59_949, "59.9 s"],
    [59_950, "1 min"],
    [60_000, "1 min"],
    [64_000, "1 min 4 s"],
    [64_499, "1 min 4 s"],
    [119_600, "2 min"],
    [3_599_000, "59 min 59 s"],
    [3_599_600, "1 h"],
    [3_600_000, "1 h"],
    [7_500_000, "2 h 5 min"],
    [86_370_000, "1 d"],
    [86_400_000, "1 d"],
    [2 * 86_400_000 + 3 * 3_600_000, "2 d 3 h"],
  ])("%s ms reads as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("never says 60 of a unit around the boundaries", () => {
    const around = (edge: number, step: number) =>
      Array.from({ length: 201 }, (_, i) => edge - 100 * step + i * step);
    const values = [
      ...around(1000, 1),
      ...around(60_000, 1),
      ...around(3_600_000, 50),
      ...around(86_400_000, 3000),
    ];
    for (const ms of values) {
      expect(formatDuration(ms)).not.toMatch(/\b60 (s|min)\b|\b24 h\b|\b1000 ms\b/);
    }
  });
});

describe("durationBetween", () => {
  it("measures between ISO instants and clamps a negative span", () => {
    expect(durationBetween("2026-01-01T00:00:00Z", "2026-01-01T00:00:02.5Z")).toBe(2500);
    expect(durationBetween(2000, 1000)).toBe(0);
  });
});

describe("times in the person's zone", () => {
  const at = "2026-07-01T05:30:02.125Z";
  it("formats a clock time in the given zone", () => {
    expect(formatClock(at, { timeZone: "Europe/Berlin" })).toBe("07:30");
    expect(formatClock(at, { timeZone: "Europe/Berlin", seconds: true })).toBe("07:30:02");
    expect(formatClock(at, { timeZone: "America/New_York", ms: true })).toBe("01:30:02.125");
  });
  it("formats a day and time", () => {
    expect(formatDateTime(at, { timeZone: "Asia/Tokyo" })).toBe("Wed 1 Jul, 14:30");
    expect(formatDateTime(at, { timeZone: "UTC", year: true })).toBe("Wed 1 Jul 2026, 05:30");
  });
  it("shows only the time for today, the day otherwise", () => {
    expect(formatWhen(at, { timeZone: "UTC", now: "2026-07-01T20:00:00Z" })).toBe("05:30");
    expect(formatWhen(at, { timeZone: "UTC", now: "2026-07-02T20:00:00Z" })).toBe(
      "Wed 1 Jul, 05:30",
    );
  });
  it("falls back to the default zone for an unknown one", () => {
    expect(formatClock(at, { timeZone: "Nowhere/Else" })).toMatch(/^\d\d:\d\d$/);
  });
});
