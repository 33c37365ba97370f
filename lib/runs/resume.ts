// Where resume links point and what signs them.
import "server-only";
import { createHash } from "node:crypto";
import { getAuthSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { resumeToken, resumeUrl } from "./tokens";

let cachedSecret: string | undefined;

/** RUN_RESUME_SECRET, else a key derived from the auth secret (stable across restarts). */
export function resumeSecret(): string {
  cachedSecret ??=
    env().RUN_RESUME_SECRET ??
    createHash("sha256").update(`flowchat-resume:${getAuthSecret()}`).digest("base64url");
  return cachedSecret;
}

export function appBaseUrl(): string {
  const config = env();
  return config.APP_URL ?? `http://127.0.0.1:${config.PORT}`;
}

/** The resume URL of each wait step of a run. */
export function waitUrlsFor(
  runId: string,
  stepIds: readonly string[],
  base = appBaseUrl(),
  secret = resumeSecret(),
): Record<string, { url: string }> {
  return Object.fromEntries(
    stepIds.map((stepId) => [stepId, { url: resumeUrl(base, resumeToken(secret, runId, stepId)) }]),
  );
}
