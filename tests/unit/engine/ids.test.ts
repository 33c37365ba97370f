import { describe, expect, it } from "vitest";
import { ulid } from "@/inngest/local/ids";

describe("ulid", () => {
  it("is 26 Crockford characters, its first ten the time", () => {
    const id = ulid(1_700_000_000_000);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.slice(0, 10)).toBe(ulid(1_700_000_000_000).slice(0, 10));
    expect(ulid(1_700_000_000_001) > ulid(1_700_000_000_000)).toBe(true);
  });

  it("never repeats across many ids of one millisecond (the random pool refills)", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => ulid(1_700_000_000_000)));
    expect(ids.size).toBe(20_000);
    // The random part varies over the whole alphabet, pool refill after pool refill.
    const last = new Set([...ids].map((id) => id[25]));
    expect(last.size).toBe(32);
  });
});
