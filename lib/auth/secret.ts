// Auth.js needs a secret to sign session cookies. With none configured (embedded mode) one
// is generated on first start and kept in the data directory, so sessions survive restarts.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

let cached: string | undefined;

export function getAuthSecret(): string {
  if (cached) return cached;
  const config = env();
  if (config.AUTH_SECRET) {
    cached = config.AUTH_SECRET;
    return cached;
  }
  const file = path.resolve(config.DATA_DIR, "auth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
      cached = secret;
    } catch {
      // Another process won the race: use its secret.
      cached = fs.readFileSync(file, "utf8").trim();
    }
    if (config.NODE_ENV === "production") {
      console.warn(
        `[auth] AUTH_SECRET is not set: using a generated secret stored in ${file}. ` +
          "Set AUTH_SECRET when running more than one server.",
      );
    }
  }
  return cached;
}
