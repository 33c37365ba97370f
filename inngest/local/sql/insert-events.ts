import { receivedEventMeta } from "../event-meta";
import { ulid } from "../ids";
import type { EventInput } from "../interfaces";
import type { Queryable } from "../sql-client";

export type StoredEvent = { id: string; name: string; payload: Record<string, unknown> };

/**
 * Stores accepted events and, in the same transaction, one `event` job each, so an event
 * acknowledged to the sender is never lost. An event whose `id` (Inngest's idempotency key)
 * was seen in the last 24 hours is stored but triggers nothing; an event whose internal id
 * exists already (a retried send with the same seed) is not stored twice.
 */
export async function insertEvents(
  q: Queryable,
  events: EventInput[],
  options: { ids?: string[]; now?: number } = {},
): Promise<StoredEvent[]> {
  const now = options.now ?? Date.now();
  const stored: StoredEvent[] = [];
  for (const [index, input] of events.entries()) {
    const id = options.ids?.[index] ?? ulid(now);
    const payload: Record<string, unknown> = {
      name: input.name,
      data: input.data ?? {},
      id: input.id ?? id,
      ts: input.ts ?? now,
      // Inngest always delivers `user`, an empty object when the sender gave none.
      user: input.user ?? {},
    };
    if (input.v !== undefined) payload.v = input.v;
    const meta = receivedEventMeta(input.meta);
    if (meta) payload.meta = meta;
    await q.query(
      `with dup as (
         select 1 from engine.events where $4::text is not null and idempotency_key = $4
           and received_at > now() - interval '24 hours' limit 1
       ), ev as (
         insert into engine.events (id, name, payload, idempotency_key) values ($1, $2, $3::text::jsonb, $4)
         on conflict (id) do nothing
         returning id
       ), job as (
         insert into engine.jobs (id, kind, payload)
         select $5, 'event', jsonb_build_object('eventId', $1::text) from ev where not exists (select 1 from dup)
         returning id
       )
       select count(*) from job`,
      [id, input.name, payload, input.id ?? null, ulid(now)],
    );
    stored.push({ id, name: input.name, payload });
  }
  return stored;
}
