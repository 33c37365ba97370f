// Sign-in throttling, shared by both ways in: the login form's server action and Auth.js's own
// POST /api/auth/callback/credentials. Both end in `authorize()`, which calls
// `beginLoginAttempt` before checking the password and `loginSucceeded` after a match.
//
// Every attempt takes a point up front (an atomic upsert), so parallel guesses cannot all slip
// in under the limit; a success gives its points back, so only failures add up.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { CredentialsSignin } from "next-auth";
import { consumeLimit, type LimitName, refundLimit, resetLimit } from "@/lib/rate-limit";

/** Thrown from `authorize()`; Auth.js passes it through as a sign-in error. */
export class LoginThrottled extends CredentialsSignin {
  // Ends up in the redirect URL (`?error=CredentialsSignin&code=rate_limited`).
  code = "rate_limited";

  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

export type LoginAttempt = { email: string; address: string };

/** Most specific first: a throttled email + address stops before it counts elsewhere. */
function limitKeys({ email, address }: LoginAttempt): [LimitName, string][] {
  return [
    ["login", `${email}\n${address}`],
    ["login-address", address],
    ["login-account", email],
  ];
}

/** Counts an attempt; throws `LoginThrottled` when any of the sign-in limits is used up. */
export async function beginLoginAttempt(attempt: LoginAttempt): Promise<void> {
  for (const [name, key] of limitKeys(attempt)) {
    const outcome = await consumeLimit(name, key);
    if (!outcome.allowed) {
      report.getStore()?.push(outcome.retryAfterSeconds);
      throw new LoginThrottled(outcome.retryAfterSeconds);
    }
  }
}

/** The password matched: the failures of this email here are forgotten, the rest refunded. */
export async function loginSucceeded(attempt: LoginAttempt): Promise<void> {
  const [[login, loginKey], ...others] = limitKeys(attempt) as [
    [LimitName, string],
    ...[LimitName, string][],
  ];
  await resetLimit(login, loginKey);
  for (const [name, key] of others) await refundLimit(name, key);
}

// Auth.js's route handler turns a sign-in error into a redirect and drops the error itself;
// this carries the wait out of `authorize()` to the route, which answers 429 + Retry-After.
const report = new AsyncLocalStorage<number[]>();

/** Runs `handler`; `throttledFor` is how long a sign-in it attempted was refused for. */
export async function withLoginThrottleReport<T>(
  handler: () => Promise<T>,
): Promise<{ result: T; throttledFor?: number }> {
  const waits: number[] = [];
  const result = await report.run(waits, handler);
  return { result, throttledFor: waits.length ? Math.max(...waits) : undefined };
}
