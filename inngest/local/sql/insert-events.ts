import { receivedEventMeta } from "../event-meta";
import { ulid } from "../ids";
import type { EventInput } from "../interfaces";
import type { Queryable } from "../sql-client";
import { JOBS_CHANNEL } from "./notify-jobs";

/**
 * SQL condition: something could take an event named by the text parameter `name` now, a
 * live wait or cancellation on that name, or a synced function's event trigger for it (a
 * trailing `*` matches a prefix, as `matchesEventName` does).
 */
export function someoneListens(name: string): string {
  return `(exists (
      select 1 from engine.pauses p
      where p.event_name = ${name}::text and p.kind in ('wait', 'cancel'))
    or exists (
      select 1 from engine.functions f,
        jsonb_array_elements(coalesce(f.config->'triggers', '[]'::jsonb)) t
      where t->>'event' = ${name}::text
        or (right(t->>'event', 1) = '*' and starts_with(${name}::text, left(t->>'event', -1)))))`;
}

/** The event as stored and delivered, under its internal id `id`, received at `now`. */
export function eventPayload(input: EventInput, id: string, now: number): Record<string, unknown> {
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
  return payload;
}

export type StoredEvent = { id: string; name: string; payload: Record<string, unknown> };

/**
 * Stores accepted events and, in the same transaction, one `event` job each, so an event
 * acknowledged to the sender is never lost. An event whose `id` (Inngest's idempotency key)
 * was seen in the last 24 hours is stored but triggers nothing; an event whose internal id
 * exists already (a retried send with the same seed) is not stored twice.
 *
 * The job is queued only when something could match the event when it is stored: a live
 * pause (a wait or a cancellation) on its name, or a synced function with an event trigger
 * for it (a trailing `*` matches a prefix, as in `matchesEventName`). Every run's end stores an
 * `inngest/function.finished` that nothing listens to in most apps; its job would cost five
 * statements and a transaction to find nothing. Checked in the statement itself against the
 * shared tables (not this process's registry), so a function another process synced counts.
 * A wait that starts after the event is stored does not match it (as on Inngest).
 */
export async function insertEvents(
  q: Queryable,
  events: EventInput[],
  options: {
    ids?: string[];
    now?: number;
    /**
     * Each event's statement is its own transaction, outside any other: it commits
     * synchronously even on the executor's async-commit pool (an acknowledged event must
     * survive a crash of the database server) and wakes every process's engine when it
     * queued a job. One round trip for a send of one event, instead of a transaction of five.
     */
    standalone?: boolean;
  } = {},
): Promise<StoredEvent[]> {
  const now = options.now ?? Date.now();
  const stored: StoredEvent[] = [];
  for (const [index, input] of events.entries()) {
    const id = options.ids?.[index] ?? ulid(now);
    const payload = eventPayload(input, id, now);
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
         select $5, 'event', jsonb_build_object('eventId', $1::text) from ev
         where not exists (select 1 from dup)
           and ${someoneListens("$2")}
         returning id
       )${
         options.standalone
           ? `, durable as (
         -- local to this statement's own transaction: its commit waits for the WAL flush
         select set_config('synchronous_commit', 'on', true)
       ), woken as (
         select pg_notify('${JOBS_CHANNEL}', '') from job limit 1
       )
       select (select count(*) from job) as jobs, (select count(*) from durable) as durable,
              (select count(*) from woken) as woken`
           : `
       select count(*) from job`
       }`,
      [id, input.name, payload, input.id ?? null, ulid(now)],
    );
    stored.push({ id, name: input.name, payload });
  }
  return stored;
}
