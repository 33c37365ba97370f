// The named limits: defaults in one table, overrides on top, and the words a refused caller reads.
import { describe, expect, it } from "vitest";
import {
  formatWait,
  limitDefinitions,
  limitNames,
  refusalMessage,
  resolveLimits,
} from "@/lib/rate-limit/limits";

describe("rate limits", () => {
  it("define every limit the app and its routes use", () => {
    expect(limitNames).toEqual([
      "login",
      "login-address",
      "login-account",
      "register",
      "chat",
      "live",
      "rerun",
      "test",
      "test-wait",
      "webhook",
      "resume",
      "bulk",
    ]);
  });

  it("apply overrides on top of the defaults", () => {
    const limits = resolveLimits({ chat: { points: 2, duration: 10 } });
    expect(limits.chat).toEqual({ points: 2, duration: 10 });
    expect(limits.login).toEqual({
      points: limitDefinitions.login.points,
      duration: limitDefinitions.login.duration,
    });
  });

  it("say how long to wait in whole seconds or minutes, rounded up", () => {
    expect(formatWait(0.2)).toBe("1 second");
    expect(formatWait(45)).toBe("45 seconds");
    expect(formatWait(60)).toBe("1 minute");
    expect(formatWait(61)).toBe("2 minutes");
    expect(formatWait(900)).toBe("15 minutes");
    expect(refusalMessage("login", 840)).toBe("Too many attempts. Try again in 14 minutes.");
    expect(refusalMessage("chat", 12)).toBe("Too many messages. Try again in 12 seconds.");
  });
});
