// Rate limits for the app's routes and actions, counted in the process's database (lib/db) so
// they hold across processes sharing one PostgreSQL. Limits and defaults: ./limits.ts;
// overrides: RATE_LIMITS (lib/env.ts) or `setRateLimits` (tests set tight ones).
//
//   await enforceLimit("chat", userId);          // throws AppError rate_limit (429 + Retry-After)
//   await enforceWebhookLimit(token);            // per webhook token
//   await enforceResumeLimit(token);             // per resume / approval token
import "server-only";
import type { Database } from "@/lib/db/client";
import { queryDb } from "@/lib/db/index";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "./client-address";
import {
  type LimitName,
  type LimitSpec,
  limitDefinitions,
  refusalMessage,
  resolveLimits,
} from "./limits";
import { type LimitOutcome, RateLimitStore } from "./store";

export type { LimitName, LimitSpec } from "./limits";
export type { LimitOutcome } from "./store";

let testOverrides: Partial<Record<LimitName, LimitSpec>> | undefined;
let stores = new WeakMap<Database, RateLimitStore>();

/** Replaces the configured limits in this process (tests set tight ones explicitly). */
export function setRateLimits(overrides: Partial<Record<LimitName, LimitSpec>>) {
  testOverrides = overrides;
  stores = new WeakMap();
}

/** Back to the defaults and RATE_LIMITS. */
export function resetRateLimits() {
  testOverrides = undefined;
  stores = new WeakMap();
}

async function store(): Promise<RateLimitStore> {
  const db = await queryDb();
  let found = stores.get(db);
  if (!found) {
    found = new RateLimitStore(db, resolveLimits({ ...env().RATE_LIMITS, ...testOverrides }));
    stores.set(db, found);
  }
  return found;
}

/** Counts one request for `key` under `name` and says whether it may go ahead. */
export async function consumeLimit(name: LimitName, key: string): Promise<LimitOutcome> {
  return (await store()).consume(name, key);
}

/**
 * Counts one request for `key` under `name`; once over the limit, throws an AppError
 * `rate_limit:<surface>` (429) whose response carries `Retry-After` and says how long to wait.
 */
export async function enforceLimit(name: LimitName, key: string): Promise<void> {
  const outcome = await consumeLimit(name, key);
  if (!outcome.allowed) throw rateLimitError(name, outcome.retryAfterSeconds);
}

/** The error `enforceLimit` throws, for callers that consumed with `consumeLimit`. */
export function rateLimitError(name: LimitName, retryAfterSeconds: number): AppError {
  return new AppError(
    `rate_limit:${limitDefinitions[name].surface}`,
    refusalMessage(name, retryAfterSeconds),
    { retryAfter: retryAfterSeconds },
  );
}

/** Gives one point back (a sign-in that succeeded is not a failure). */
export async function refundLimit(name: LimitName, key: string): Promise<void> {
  await (await store()).refund(name, key);
}

/** Forgets the count for `key` under `name`. */
export async function resetLimit(name: LimitName, key: string): Promise<void> {
  await (await store()).reset(name, key);
}

/** For the webhook route: one call to the webhook with this token. */
export function enforceWebhookLimit(token: string): Promise<void> {
  return enforceLimit("webhook", token);
}

/** For the resume / approval routes: one request to the link with this token. */
export function enforceResumeLimit(token: string): Promise<void> {
  return enforceLimit("resume", token);
}

/** The caller's address key from request headers (`request.headers` or `await headers()`). */
export function requestAddress(headers: Headers): string {
  return clientAddress(headers, env().TRUST_PROXY);
}
