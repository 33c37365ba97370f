// The denylist of sessions ended by signing out (lib/auth/sessions.ts).
import "server-only";
import { and, eq, gt, lt } from "drizzle-orm";
import { queryDb as db } from "./index";
import { revokedSessions } from "./schema";

/** Lists the session as ended until `expiresAt`; expired entries are pruned on the way. */
export async function revokeSession({
  sessionId,
  userId,
  expiresAt,
}: {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}) {
  const database = await db();
  await database.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date()));
  await database
    .insert(revokedSessions)
    .values({ sessionId, userId, expiresAt })
    .onConflictDoNothing({ target: revokedSessions.sessionId });
}

export async function isSessionRevoked({ sessionId }: { sessionId: string }): Promise<boolean> {
  const [row] = await (await db())
    .select({ sessionId: revokedSessions.sessionId })
    .from(revokedSessions)
    .where(and(eq(revokedSessions.sessionId, sessionId), gt(revokedSessions.expiresAt, new Date())))
    .limit(1);
  return Boolean(row);
}
