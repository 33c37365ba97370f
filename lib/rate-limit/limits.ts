// The named rate limits, their defaults in one table, and the words a refused caller reads.
// Pure: no database, no env; lib/rate-limit/index.ts applies `RATE_LIMITS` overrides.
import type { Surface } from "@/lib/errors";

export type LimitSpec = {
  /** Requests (or failures) allowed per window. */
  points: number;
  /** Window length in seconds, counted from the first request of the window. */
  duration: number;
};

type LimitDefinition = LimitSpec & {
  /** What one key stands for, for the README and error logs. */
  per: string;
  surface: Surface;
  /** What was refused, for "Too many … Try again in 5 minutes." */
  what: string;
};

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export const limitDefinitions = {
  /** Failed sign-ins for one email from one address; a success clears the count. */
  login: {
    points: 5,
    duration: 15 * MINUTE,
    per: "email + client address",
    surface: "auth",
    what: "attempts",
  },
  /** Failed sign-ins from one address, whatever the email: slows spraying many accounts. */
  "login-address": {
    points: 30,
    duration: 15 * MINUTE,
    per: "client address",
    surface: "auth",
    what: "attempts",
  },
  /**
   * Failed sign-ins for one email from every address together: the ceiling that holds even
   * when addresses rotate or are forged. Loose, because reaching it also locks the owner out
   * of password sign-in until the window ends.
   */
  "login-account": {
    points: 50,
    duration: HOUR,
    per: "email",
    surface: "auth",
    what: "attempts",
  },
  /** Sign-up attempts (that pass validation) from one address. */
  register: {
    points: 10,
    duration: HOUR,
    per: "client address",
    surface: "auth",
    what: "attempts",
  },
  /** Chat requests (send or regenerate) per person. */
  chat: { points: 20, duration: MINUTE, per: "user", surface: "chat", what: "messages" },
  /**
   * Live streams opened per person (GET /api/threads/:id/events, /api/runs/:id/events): a
   * page holds one and reconnects after a drop; this stops a loop that reopens them.
   */
  live: { points: 120, duration: MINUTE, per: "user", surface: "run", what: "live connections" },
  /** Re-runs started per person (POST /api/runs/:id/rerun): each starts a run. */
  rerun: { points: 30, duration: MINUTE, per: "user", surface: "run", what: "re-runs" },
  /**
   * Test runs started per person (POST /api/workflows/:id/test): each runs a plan's reads for
   * real (GET requests, the model) with the person's secrets.
   */
  test: { points: 20, duration: MINUTE, per: "user", surface: "run", what: "test runs" },
  /** The person's choices at the waits a test asks about (its card's buttons). */
  "test-wait": {
    points: 60,
    duration: MINUTE,
    per: "user",
    surface: "run",
    what: "choices in test runs",
  },
  /** Calls to one webhook URL. */
  webhook: {
    points: 60,
    duration: MINUTE,
    per: "webhook token",
    surface: "workflow",
    what: "calls to this webhook",
  },
  /** Requests to one resume or approval link. */
  resume: {
    points: 10,
    duration: MINUTE,
    per: "resume token",
    surface: "run",
    what: "requests for this link",
  },
  /**
   * Bulk run requests per person (POST /api/runs/bulk, dry runs included): each counts or works
   * through up to thousands of runs.
   */
  bulk: { points: 30, duration: 10 * MINUTE, per: "user", surface: "run", what: "bulk requests" },
} as const satisfies Record<string, LimitDefinition>;

export type LimitName = keyof typeof limitDefinitions;

export const limitNames = Object.keys(limitDefinitions) as LimitName[];

export function isLimitName(name: string): name is LimitName {
  return Object.hasOwn(limitDefinitions, name);
}

export type LimitTable = Record<LimitName, LimitSpec>;

/** The defaults with `overrides` applied. */
export function resolveLimits(overrides: Partial<Record<LimitName, LimitSpec>> = {}): LimitTable {
  return Object.fromEntries(
    limitNames.map((name) => {
      const { points, duration } = overrides[name] ?? limitDefinitions[name];
      return [name, { points, duration }];
    }),
  ) as LimitTable;
}

/** "45 seconds", "1 minute", "15 minutes": rounded up, never "0". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return s === 1 ? "1 second" : `${s} seconds`;
  const minutes = Math.ceil(s / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** What a refused caller reads: "Too many attempts. Try again in 15 minutes." */
export function refusalMessage(name: LimitName, retryAfterSeconds: number): string {
  return `Too many ${limitDefinitions[name].what}. Try again in ${formatWait(retryAfterSeconds)}.`;
}
