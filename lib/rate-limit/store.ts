// Counters for the named limits in the `rate_limits` table, through rate-limiter-flexible's
// RateLimiterDrizzle: each request is one atomic upsert (insert, or add to the row unless its
// window has passed), so concurrent requests and several processes on one PostgreSQL share a
// count. Works on both lib/db drivers (postgres-js and PGlite).
import { createHash } from "node:crypto";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Database } from "@/lib/db/client";
import { rateLimits } from "@/lib/db/schema";
import { type LimitName, type LimitTable, resolveLimits } from "./limits";

export type LimitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimitStore {
  private readonly limiters = new Map<LimitName, RateLimiterDrizzle>();

  constructor(
    private readonly db: Database,
    readonly limits: LimitTable = resolveLimits(),
  ) {}

  /** Counts one request for `key`; refused once the window's points are used up. */
  async consume(name: LimitName, key: string): Promise<LimitOutcome> {
    try {
      await this.limiter(name).consume(storedKey(key));
      return { allowed: true };
    } catch (rejection) {
      // The library rejects with a RateLimiterRes when over the limit, an Error when the
      // store failed; a failed store must not let requests through unchecked.
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: retryAfter(rejection) };
      }
      throw rejection;
    }
  }

  /** Gives one point back, e.g. a sign-in that succeeded is not a failure. */
  async refund(name: LimitName, key: string): Promise<void> {
    await this.limiter(name).reward(storedKey(key));
  }

  /** Forgets the count for `key`. */
  async reset(name: LimitName, key: string): Promise<void> {
    await this.limiter(name).delete(storedKey(key));
  }

  private limiter(name: LimitName): RateLimiterDrizzle {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const { points, duration } = this.limits[name];
      limiter = new RateLimiterDrizzle({
        storeClient: this.db,
        schema: rateLimits,
        keyPrefix: name,
        points,
        duration,
        // Its timer sweeps expired rows of the whole table: one limiter per store does it.
        clearExpiredByTimeout: this.limiters.size === 0,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}

/**
 * Keys are stored hashed: they include emails, addresses and webhook or resume tokens, which
 * are secrets in their own right and have no business sitting in a counter table.
 */
function storedKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
