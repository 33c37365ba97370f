// The embedded engine's keys. It signs every call to the app's /api/inngest with the signing
// key (the app's client verifies it, as it would Inngest Cloud's), and its own HTTP API takes
// only bearers of the hashed signing key, events only with the event key. Both come from
// INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY when INNGEST_MODE=embedded sets them, otherwise
// they are generated into DATA_DIR on first start, like the auth secret.
import { randomBytes } from "node:crypto";
import { readOrCreateDataDirSecret } from "@/lib/data-dir-secret";
import { type Env, env } from "@/lib/env";

export type EngineKeys = { signingKey: string; eventKey: string };

const cache = new Map<string, EngineKeys>();

export function embeddedEngineKeys(config: Env = env()): EngineKeys {
  const cacheKey = `${config.DATA_DIR}\0${config.INNGEST_SIGNING_KEY ?? ""}\0${config.INNGEST_EVENT_KEY ?? ""}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const keys = {
    signingKey:
      config.INNGEST_SIGNING_KEY ??
      readOrCreateDataDirSecret(
        config.DATA_DIR,
        "inngest-signing-key",
        () => `signkey-prod-${randomBytes(32).toString("hex")}`,
      ).value,
    eventKey:
      config.INNGEST_EVENT_KEY ??
      readOrCreateDataDirSecret(config.DATA_DIR, "inngest-event-key", () =>
        randomBytes(32).toString("hex"),
      ).value,
  };
  cache.set(cacheKey, keys);
  return keys;
}
