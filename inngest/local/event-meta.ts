// Event `meta` as Inngest receives it: the sender's manual `sessions` merged over the sessions
// propagated from the run that sent it (`propagated_sessions`), per RFC 7386 (JSON Merge
// Patch): a manual key wins, a manual `null` cuts that inherited session, and `sessions: null`
// clears every inherited one. What a function then sees in `ctx.event.meta` is
// `{ sessions: Record<string, string> }` (numbers become strings); an event with no sessions
// left carries no `meta`.

type SessionValue = string | number | null;

/** The `meta` stored with an event and delivered to functions, or undefined for none. */
export function receivedEventMeta(meta: unknown): { sessions: Record<string, string> } | undefined {
  if (!meta || typeof meta !== "object" || Array.isArray(meta)) return undefined;
  const { sessions, propagated_sessions: propagated } = meta as {
    sessions?: Record<string, SessionValue> | null;
    propagated_sessions?: Record<string, SessionValue>;
  };
  const merged = new Map<string, string>();
  if (sessions !== null) {
    for (const [key, value] of entries(propagated)) {
      if (isSessionId(value)) merged.set(key, String(value));
    }
  }
  for (const [key, value] of entries(sessions)) {
    if (value === null) merged.delete(key);
    else if (isSessionId(value)) merged.set(key, String(value));
  }
  return merged.size ? { sessions: Object.fromEntries(merged) } : undefined;
}

function entries(value: unknown): [string, unknown][] {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
}

function isSessionId(value: unknown): value is string | number {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}
