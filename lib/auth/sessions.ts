// Sessions are JWTs in a cookie; each carries a session id (`sid`) given at sign-in. Signing out
// lists the id in `revoked_sessions`, and the jwt callback ends any session whose id is listed,
// so a copy of the cookie taken before sign-out stops working with it.
import "server-only";
import { randomUUID } from "node:crypto";
import { isSessionRevoked, revokeSession } from "@/lib/db/session-queries";

/** How long a session lives (Auth.js's default, stated so revocation can outlast it). */
export const SESSION_MAX_AGE = 30 * 24 * 60 * 60;

/** What the session JWT carries: our `uid` and `sid` among Auth.js's own claims. */
type SessionClaims = Record<string, unknown> & { sid?: unknown; uid?: unknown };

export function newSessionId(): string {
  return randomUUID();
}

/**
 * The token to keep using, or null to end the session. A token without an id was issued
 * before sessions had ids: it could never be revoked (and Auth.js re-issues it on use, so it
 * would live on), so it is not honoured; its holder signs in once more.
 */
export async function checkSession<T extends SessionClaims>(token: T): Promise<T | null> {
  if (typeof token.sid !== "string") return null;
  return (await isSessionRevoked({ sessionId: token.sid })) ? null : token;
}

/**
 * Ends the session `token` belongs to. The entry outlives every copy of the token: each use
 * re-issues the cookie with a fresh expiry, so a copy refreshed by someone else may expire up
 * to SESSION_MAX_AGE from now, later than the one presented here.
 */
export async function endSession(token: SessionClaims | null | undefined): Promise<void> {
  if (typeof token?.sid !== "string" || typeof token.uid !== "string") return;
  await revokeSession({
    sessionId: token.sid,
    userId: token.uid,
    expiresAt: new Date(Date.now() + SESSION_MAX_AGE * 1000),
  });
}
