// The per-workflow key-value store behind store.get / store.set.
import "server-only";
import { and, count, eq, gt, isNull, lte, ne, or } from "drizzle-orm";
import { queryDb as db } from "./index";
import { workflowStore } from "./schema";

const live = (now: Date) => or(isNull(workflowStore.expiresAt), gt(workflowStore.expiresAt, now));

export async function getStoreEntry({
  workflowId,
  key,
  now = new Date(),
}: {
  workflowId: string;
  key: string;
  now?: Date;
}) {
  const [row] = await (await db())
    .select()
    .from(workflowStore)
    .where(and(eq(workflowStore.workflowId, workflowId), eq(workflowStore.key, key), live(now)));
  return row;
}

/**
 * Saves a value (already checked against the size cap by the caller, who passes `size`).
 * Expired entries are dropped first; a new key beyond `maxKeys` is refused.
 */
export async function setStoreEntry({
  workflowId,
  key,
  value,
  size,
  expiresAt,
  maxKeys,
  now = new Date(),
}: {
  workflowId: string;
  key: string;
  value: unknown;
  size: number;
  expiresAt?: Date | null;
  /** Live keys a workflow may have; a new key beyond it is refused. */
  maxKeys: number;
  now?: Date;
}): Promise<{ ok: true } | { ok: false; reason: "too_many_keys"; keys: number }> {
  return (await db()).transaction(async (tx) => {
    await tx
      .delete(workflowStore)
      .where(and(eq(workflowStore.workflowId, workflowId), lte(workflowStore.expiresAt, now)));
    const [{ keys }] = await tx
      .select({ keys: count() })
      .from(workflowStore)
      .where(and(eq(workflowStore.workflowId, workflowId), ne(workflowStore.key, key)));
    if (keys >= maxKeys) return { ok: false, reason: "too_many_keys", keys };
    await tx
      .insert(workflowStore)
      .values({ workflowId, key, value, size, expiresAt: expiresAt ?? null, updatedAt: now })
      .onConflictDoUpdate({
        target: [workflowStore.workflowId, workflowStore.key],
        set: { value, size, expiresAt: expiresAt ?? null, updatedAt: now },
      });
    return { ok: true };
  });
}
