// The key that encrypts secrets: SECRETS_KEY, or (embedded mode) one generated on first start
// and kept in DATA_DIR, like the auth secret.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
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
  const file = path.resolve(config.DATA_DIR, "secrets-key");
  try {
    cached = parseSecretsKey(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const generated = randomBytes(32).toString("base64");
    try {
      fs.writeFileSync(file, generated, { flag: "wx", mode: 0o600 });
      cached = parseSecretsKey(generated);
    } catch {
      // Another process won the race: use its key.
      cached = parseSecretsKey(fs.readFileSync(file, "utf8"));
    }
  }
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
