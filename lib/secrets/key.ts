// The key that encrypts secrets: SECRETS_KEY, or (embedded mode) one generated on first start
// and kept in DATA_DIR, like the auth secret.
import { randomBytes } from "node:crypto";
import { readOrCreateDataDirSecret } from "@/lib/data-dir-secret";
import { type Env, env } from "@/lib/env";

/** Accepts 32 bytes as base64, base64url or hex. */
export function parseSecretsKey(text: string): Buffer {
  const value = text.trim();
  const decoded = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, "hex")
    : Buffer.from(value, "base64");
  if (decoded.length !== 32) {
    throw new Error(
      "SECRETS_KEY must be 32 bytes, base64 or hex encoded (openssl rand -base64 32).",
    );
  }
  return decoded;
}

let cached: Buffer | undefined;

export function getSecretsKey(config: Env = env()): Buffer {
  if (cached) return cached;
  if (config.SECRETS_KEY) {
    cached = parseSecretsKey(config.SECRETS_KEY);
    return cached;
  }
  const { value, file } = readOrCreateDataDirSecret(config.DATA_DIR, "secrets-key", () =>
    randomBytes(32).toString("base64"),
  );
  cached = parseSecretsKey(value);
  if (config.NODE_ENV === "production") {
    console.warn(
      `[secrets] SECRETS_KEY is not set: using a generated key stored in ${file}. ` +
        "Set SECRETS_KEY (openssl rand -base64 32) and back it up; losing it makes stored secrets unreadable.",
    );
  }
  return cached;
}

export function resetSecretsKeyForTests() {
  cached = undefined;
}
