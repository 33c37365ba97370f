// Request signing as the SDK verifies it (inngest/helpers/net.js): HMAC-SHA256 keyed with
// the signing key minus its "signkey-<env>-" prefix, over the canonical JSON body followed
// by the unix timestamp.
import { createHash, createHmac } from "node:crypto";

export function stripSigningKeyPrefix(key: string): string {
  return key.replace(/^signkey-\w+-/, "");
}

/**
 * The bearer an SDK sends to Inngest's API (`Authorization: Bearer <this>`): the key's
 * "signkey-<env>-" prefix kept, its hex body replaced by the SHA-256 of those bytes.
 */
export function hashSigningKey(key: string): string {
  const prefix = /^signkey-\w+-/.exec(key)?.[0] ?? "";
  return `${prefix}${createHash("sha256")
    .update(Buffer.from(stripSigningKeyPrefix(key), "hex"))
    .digest("hex")}`;
}

/** RFC 8785 canonical JSON (sorted keys), what the SDK's `canonicalize` produces. */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value) ?? "null";
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return canonicalize((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? "null" : canonicalize(v))).join(",")}]`;
  }
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalize((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

/** The X-Inngest-Signature header value for a JSON body. */
export function signBody(body: unknown, signingKey: string, now = Date.now()): string {
  const ts = Math.floor(now / 1000).toString();
  const mac = createHmac("sha256", stripSigningKeyPrefix(signingKey))
    .update(canonicalize(body))
    .update(ts)
    .digest("hex");
  return `t=${ts}&s=${mac}`;
}
