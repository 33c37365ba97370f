// A person's secrets: validated names, values encrypted before they reach the database and
// decrypted only for a run (or an MCP connection) that needs them.
import "server-only";
import type { z } from "zod";
import {
  deleteSecretRow,
  getSecretCiphertexts,
  listSecretSummaries,
  upsertSecretRow,
} from "@/lib/db/secret-queries";
import { AppError } from "@/lib/errors";
import { decryptSecret, encryptSecret, SecretDecryptError, secretAad } from "./crypto";
import { getSecretsKey } from "./key";
import { secretNameSchema, secretValueSchema } from "./names";

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("bad_request:api", result.error.issues[0]?.message ?? "Invalid value.");
  }
  return result.data;
}

export async function saveSecret({
  userId,
  name,
  value,
  key = getSecretsKey(),
}: {
  userId: string;
  name: string;
  value: string;
  key?: Buffer;
}) {
  const validName = checked(secretNameSchema, name);
  const validValue = checked(secretValueSchema, value);
  const ciphertext = encryptSecret(validValue, key, secretAad(userId, validName));
  return upsertSecretRow({ userId, name: validName, ciphertext });
}

export const listSecrets = listSecretSummaries;

export async function deleteSecret({ userId, name }: { userId: string; name: string }) {
  await deleteSecretRow({ userId, name });
}

/**
 * The person's secrets decrypted, by name (all, or the named ones that exist). A value that
 * no longer decrypts (the key changed, the row was altered) fails loudly with its name.
 */
export async function loadSecrets({
  userId,
  names,
  key = getSecretsKey(),
}: {
  userId: string;
  names?: readonly string[];
  key?: Buffer;
}): Promise<Record<string, string>> {
  const rows = await getSecretCiphertexts({ userId, names });
  const out: Record<string, string> = {};
  for (const row of rows) {
    try {
      out[row.name] = decryptSecret(row.ciphertext, key, secretAad(userId, row.name));
    } catch (error) {
      if (error instanceof SecretDecryptError) {
        throw new SecretDecryptError(
          `The secret ${row.name} could not be decrypted: it was saved with another SECRETS_KEY or altered. Save it again in Settings.`,
        );
      }
      throw error;
    }
  }
  return out;
}
