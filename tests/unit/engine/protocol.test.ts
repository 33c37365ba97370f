// The executor's pure pieces: time strings, signing, expressions, cron, config checks.
import { describe, expect, it } from "vitest";
import { defaultBackoff } from "@/inngest/local/backoff";
import { eventIds } from "@/inngest/local/event-ids";
import { matchesEventName, matchesExpression } from "@/inngest/local/expressions";
import {
  nextCronRun,
  parseAppFunctions,
  UnsupportedConfigError,
} from "@/inngest/local/function-config";
import { parseRetryAfter } from "@/inngest/local/protocol/call";
import { parseDuration, sleepEndsAt } from "@/inngest/local/protocol/durations";
import { canonicalize, signBody, stripSigningKeyPrefix } from "@/inngest/local/protocol/signing";

describe("time strings", () => {
  it("reads the SDK's duration strings", () => {
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d3h4m5s")).toBe(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5000);
    expect(parseDuration("1w")).toBe(604_800_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });

  it("ends a sleep after a duration or at an ISO date (sleepUntil)", () => {
    expect(sleepEndsAt("1m", 1000)).toBe(61_000);
    expect(sleepEndsAt("2030-01-01T00:00:00.000Z")).toBe(Date.UTC(2030, 0, 1));
    expect(sleepEndsAt("not a time")).toBeUndefined();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("signing", () => {
  it("canonicalizes JSON with sorted keys at every level", () => {
    expect(canonicalize({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: "x" }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("signs with the key minus its signkey prefix, over body then timestamp", async () => {
    const { createHmac } = await import("node:crypto");
    const key = "signkey-prod-abc123";
    expect(stripSigningKeyPrefix(key)).toBe("abc123");
    const header = signBody({ b: 2, a: 1 }, key, 1_700_000_000_000);
    const expected = createHmac("sha256", "abc123").update('{"a":1,"b":2}1700000000').digest("hex");
    expect(header).toBe(`t=1700000000&s=${expected}`);
  });
});

describe("expressions", () => {
  it("matches exact and trailing-wildcard event names", () => {
    expect(matchesEventName("app/user.created", "app/user.created")).toBe(true);
    expect(matchesEventName("app/*", "app/user.created")).toBe(true);
    expect(matchesEventName("app/*", "billing/paid")).toBe(false);
  });

  it("evaluates CEL against the events and treats a missing field as no match", () => {
    const event = { data: { id: "a", amount: 5 } };
    expect(matchesExpression("event.data.amount > 3", { event })).toBe(true);
    expect(
      matchesExpression("event.data.id == async.data.id", { event, async: { data: { id: "a" } } }),
    ).toBe(true);
    expect(matchesExpression("event.data.missing == 1", { event })).toBe(false);
    expect(matchesExpression(undefined, { event })).toBe(true);
  });
});

describe("cron", () => {
  it("honours a TZ= prefix", () => {
    const next = nextCronRun("TZ=Europe/Paris 0 9 * * *", new Date("2026-01-15T12:00:00Z"));
    // Paris is UTC+1 in January.
    expect(next?.toISOString()).toBe("2026-01-16T08:00:00.000Z");
    const utc = nextCronRun("*/15 * * * *", new Date("2026-01-15T12:07:00Z"));
    expect(utc?.toISOString()).toBe("2026-01-15T12:15:00.000Z");
  });
});

describe("function config", () => {
  const base = (extra: Record<string, unknown> = {}) => ({
    id: "app-fn",
    name: "fn",
    triggers: [{ event: "a/b" }],
    steps: {
      step: {
        id: "step",
        name: "step",
        runtime: { type: "http", url: "http://x/api?fnId=app-fn&stepId=step" },
        retries: { attempts: 2 },
      },
    },
    ...extra,
  });

  it("turns retries into max_attempts (retries + 1, default 3 + 1)", () => {
    const [fn] = parseAppFunctions("app", [base() as never]);
    expect(fn.maxAttempts).toBe(3);
    const noRetries = base();
    delete (noRetries.steps.step as { retries?: unknown }).retries;
    expect(parseAppFunctions("app", [noRetries as never])[0].maxAttempts).toBe(4);
  });

  it("accepts concurrency as a number, an object or a list of up to two", () => {
    for (const concurrency of [2, { limit: 2 }, [{ limit: 2, key: "event.data.user" }]]) {
      const [fn] = parseAppFunctions("app", [base({ concurrency }) as never]);
      expect(fn.concurrency.map((c) => c.limit)).toEqual([2]);
      expect(fn.concurrency[0].scope).toBe("fn");
    }
    const [two] = parseAppFunctions("app", [
      base({
        concurrency: [{ limit: 5 }, { limit: 1, key: '"openai"', scope: "account" }],
      }) as never,
    ]);
    expect(two.concurrency).toEqual([
      { limit: 5, key: undefined, scope: "fn" },
      { limit: 1, key: '"openai"', scope: "account" },
    ]);
    expect(two.flow).toBeUndefined();
  });

  it("reads the flow-control options into durations and keys", () => {
    const [fn, batched] = parseAppFunctions("app", [
      base({
        idempotency: "event.data.id",
        rateLimit: { limit: 2, period: "1m", key: "event.data.user" },
        throttle: { limit: 3, period: "10s" },
        debounce: { period: "5s", timeout: "1m" },
        singleton: { mode: "cancel", key: "event.data.user" },
        priority: { run: "event.data.p" },
        timeouts: { start: "10s", finish: "1h" },
      }) as never,
      base({
        id: "app-batched",
        batchEvents: { maxSize: 5, timeout: "2s", key: "event.data.user", if: "event.data.ok" },
        triggers: [{ cron: "0 9 * * *", jitter: "10m" }],
      }) as never,
    ]);
    expect(fn.flow).toEqual({
      idempotency: "event.data.id",
      rateLimit: { limit: 2, periodMs: 60_000, key: "event.data.user" },
      throttle: { limit: 3, periodMs: 10_000, burst: 1, key: undefined },
      debounce: { periodMs: 5000, timeoutMs: 60_000, key: undefined },
      singleton: { mode: "cancel", key: "event.data.user" },
      priority: "event.data.p",
      timeouts: { startMs: 10_000, finishMs: 3_600_000 },
    });
    expect(batched.flow).toEqual({
      batch: { maxSize: 5, timeoutMs: 2000, key: "event.data.user", if: "event.data.ok" },
    });
    expect(batched.cronTriggers).toEqual([{ cron: "0 9 * * *", jitterMs: 600_000 }]);
  });

  it("refuses what it does not implement and what is malformed, in one error", () => {
    let error: unknown;
    try {
      parseAppFunctions("app", [
        base({
          batchEvents: { maxSize: 10, timeout: "5s" },
          debounce: { period: "soon" },
          somethingNew: true,
        }) as never,
        base({
          id: "app-two",
          concurrency: [{ limit: 1 }, { limit: 2, key: "event.data.x" }, { limit: 3 }],
          singleton: { mode: "replace" },
        }) as never,
        base({
          id: "app-three",
          concurrency: { limit: 1, scope: "env" },
          idempotency: "event.(",
        }) as never,
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedConfigError);
    const problems = (error as UnsupportedConfigError).problems;
    expect(problems.slice(0, 6)).toEqual([
      'function "app-fn": the "somethingNew" option is not supported',
      'function "app-fn": batchEvents cannot be combined with debounce',
      'function "app-fn": debounce period "soon" is not a duration',
      'function "app-two": at most two concurrency limits are allowed (got 3)',
      'function "app-two": singleton mode must be "skip" or "cancel" (got "replace")',
      'function "app-three": a concurrency limit with scope "env" needs a key',
    ]);
    expect(problems[6]).toMatch(/^function "app-three": invalid idempotency key: /);
    expect(problems).toHaveLength(7);
  });
});

describe("retries and ids", () => {
  it("backs off like Inngest: 15s, 30s, 1m… with jitter, capped at a day", () => {
    for (let i = 0; i < 20; i++) {
      const first = defaultBackoff(0);
      expect(first).toBeGreaterThanOrEqual(15_000);
      expect(first).toBeLessThanOrEqual(16_500);
      expect(defaultBackoff(2)).toBeGreaterThanOrEqual(60_000);
    }
    expect(defaultBackoff(40)).toBeLessThanOrEqual(24 * 3_600_000 * 1.1);
  });

  it("derives the same event ids from the same send seed", () => {
    const a = eventIds(2, "1700000000000,c2VlZA==");
    expect(eventIds(2, "1700000000000,c2VlZA==")).toEqual(a);
    expect(a[0]).not.toBe(a[1]);
    expect(a[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(eventIds(1)[0]).not.toBe(eventIds(1)[0]);
  });
});
