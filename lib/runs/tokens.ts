// Resume tokens for wait steps: `<run id>.<step id>.<mac>`, the MAC an HMAC-SHA256 of run and
// step under a server secret. Known from the start of a run (nothing is stored), unguessable
// without the secret, and bound to one wait of one run.
import { createHmac, timingSafeEqual } from "node:crypto";

const STEP_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, runId: string, stepId: string): string {
  return createHmac("sha256", secret)
    .update(`flowchat-resume:v1:${runId}:${stepId}`)
    .digest("base64url");
}

export function resumeToken(secret: string, runId: string, stepId: string): string {
  return `${runId}.${stepId}.${mac(secret, runId, stepId)}`;
}

/** The run and step a token names, or undefined when it is malformed or forged. */
export function verifyResumeToken(
  secret: string,
  token: string,
): { runId: string; stepId: string } | undefined {
  const [runId, stepId, given, ...rest] = token.split(".");
  if (rest.length > 0 || !runId || !stepId || !given) return undefined;
  if (!UUID.test(runId) || !STEP_ID.test(stepId)) return undefined;
  const expected = Buffer.from(mac(secret, runId, stepId));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { runId, stepId };
}

export function resumeUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/resume/${token}`;
}
