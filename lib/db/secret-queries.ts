// Secret rows: owner-filtered, ciphertext only (lib/secrets encrypts and decrypts).
import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { queryDb as db } from "./index";
import { secrets } from "./schema";

export interface SecretSummary {
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Names and times only: values never leave the server once saved. */
export async function listSecretSummaries({
  userId,
}: {
  userId: string;
}): Promise<SecretSummary[]> {
  return (await db())
    .select({ name: secrets.name, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt })
    .from(secrets)
    .where(eq(secrets.userId, userId))
    .orderBy(asc(secrets.name));
}

/** Adds or replaces a secret; `created` says which. */
export async function upsertSecretRow({
  userId,
  name,
  ciphertext,
}: {
  userId: string;
  name: string;
  ciphertext: string;
}): Promise<SecretSummary & { created: boolean }> {
  const now = new Date();
  const [row] = await (await db())
    .insert(secrets)
    .values({ userId, name, ciphertext, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [secrets.userId, secrets.name],
      set: { ciphertext, updatedAt: now },
    })
    .returning({ name: secrets.name, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt });
  return { ...row, created: row.createdAt.getTime() === row.updatedAt.getTime() };
}

/** Removes the caller's secret; another user's (or a missing) one is a 404. */
export async function deleteSecretRow({ userId, name }: { userId: string; name: string }) {
  const [row] = await (await db())
    .delete(secrets)
    .where(and(eq(secrets.userId, userId), eq(secrets.name, name)))
    .returning({ name: secrets.name });
  if (!row) throw new AppError("not_found:api", `No secret named ${name}.`);
}

/** Ciphertexts of the caller's secrets (all, or the named ones). */
export async function getSecretCiphertexts({
  userId,
  names,
}: {
  userId: string;
  names?: readonly string[];
}): Promise<{ name: string; ciphertext: string }[]> {
  if (names && names.length === 0) return [];
  const owner = eq(secrets.userId, userId);
  return (await db())
    .select({ name: secrets.name, ciphertext: secrets.ciphertext })
    .from(secrets)
    .where(names ? and(owner, inArray(secrets.name, [...names])) : owner);
}
