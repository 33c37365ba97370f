// AES-256-GCM for secret values. The ciphertext is bound to its owner and name (additional
// authenticated data), so a row copied to another user or renamed does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptError extends Error {
  constructor(message = "The secret could not be decrypted: wrong key or altered data.") {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/** What a ciphertext is bound to; decrypting with other values fails. */
export function secretAad(userId: string, name: string): string {
  return `${userId}:${name}`;
}

/** `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function encryptSecret(plaintext: string, key: Buffer, aad: string): string {
  if (key.length !== 32) throw new Error("The secrets key must be 32 bytes");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function decryptSecret(token: string, key: Buffer, aad: string): string {
  const [version, iv, tag, body] = token.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new SecretDecryptError("The stored secret is not in a format this version can read.");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    const tagBytes = Buffer.from(tag, "base64url");
    if (tagBytes.length !== TAG_BYTES) throw new SecretDecryptError();
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([
      decipher.update(Buffer.from(body, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch (error) {
    if (error instanceof SecretDecryptError) throw error;
    throw new SecretDecryptError();
  }
}
