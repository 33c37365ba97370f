import type { Queryable } from "../sql-client";
import type { StoredEvent } from "./insert-events";

/** An accepted event as the matcher needs it (triggers, waits, cancellations). */
export async function loadEventForMatching(
  q: Queryable,
  eventId: string,
): Promise<StoredEvent | undefined> {
  const [row] = await q.query<StoredEvent>(
    "select id, name, payload from engine.events where id = $1",
    [eventId],
  );
  return row;
}
