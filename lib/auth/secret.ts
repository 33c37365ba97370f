// Auth.js needs a secret to sign session cookies. With none configured (embedded mode) one
// is generated on first start and kept in the data directory, so sessions survive restarts.
import { randomBytes } from "node:crypto";
import { readOrCreateDataDirSecret } from "@/lib/data-dir-secret";
import { env } from "@/lib/env";

let cached: string | undefined;

export function getAuthSecret(): string {
  if (cached) return cached;
  const config = env();
  if (config.AUTH_SECRET) {
    cached = config.AUTH_SECRET;
    return cached;
  }
  const { value, file, created } = readOrCreateDataDirSecret(config.DATA_DIR, "auth-secret", () =>
    randomBytes(32).toString("base64url"),
  );
  if (created && config.NODE_ENV === "production") {
    console.warn(
      `[auth] AUTH_SECRET is not set: using a generated secret stored in ${file}. ` +
        "Set AUTH_SECRET when running more than one server.",
    );
  }
  cached = value;
  return cached;
}
