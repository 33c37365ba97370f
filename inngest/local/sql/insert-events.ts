import { ulid } from "../ids";
import type { EventInput } from "../interfaces";
import type { Queryable } from "../sql-client";

export type StoredEvent = { id: string; name: string; payload: Record<string, unknown> };

/**
 * Stores accepted events and, in the same transaction, one `event` job each, so an event
 * acknowledged to the sender is never lost. An event whose `id` (Inngest's idempotency key)
 * was seen before is stored but triggers nothing.
 */
export async function insertEvents(
  q: Queryable,
  events: EventInput[],
  now = Date.now(),
): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const input of events) {
    const id = ulid(now);
    const payload: Record<string, unknown> = {
      name: input.name,
      data: input.data ?? {},
      id: input.id ?? id,
      ts: input.ts ?? now,
    };
    if (input.user !== undefined) payload.user = input.user;
    if (input.v !== undefined) payload.v = input.v;
    const rows = await q.query<{ fresh: boolean }>(
      `with dup as (
         select 1 from engine.events where $4::text is not null and idempotency_key = $4
           and received_at > now() - interval '24 hours' limit 1
       ), ev as (
         insert into engine.events (id, name, payload, idempotency_key) values ($1, $2, $3::text::jsonb, $4)
         returning id
       ), job as (
         insert into engine.jobs (id, kind, payload)
         select $5, 'event', jsonb_build_object('eventId', $1::text) from ev where not exists (select 1 from dup)
         returning id
       )
       select exists (select 1 from job) as fresh`,
      [id, input.name, payload, input.id ?? null, ulid(now)],
    );
    void rows;
    stored.push({ id, name: input.name, payload });
  }
  return stored;
}
