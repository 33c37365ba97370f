import { ulid } from "../ids";
import type { Queryable } from "../sql-client";

/**
 * Adds an event to a function's open batch for a key, opening one (due `timeoutMs` from
 * now, with its `batch` job) when there is none, and answers how many events it now holds.
 * The batch row is written before the job: the order the firing takes them in.
 */
export async function appendToBatch(
  q: Queryable,
  b: { key: string; functionId: string; eventId: string; timeoutMs: number },
): Promise<number> {
  const [row] = await q.query<{ size: number }>(
    `with b as (
       insert into engine.batches as b (key, function_id, event_ids, due_at)
       values ($1, $2, jsonb_build_array($3::text), now() + $4::float8 * interval '1 millisecond')
       on conflict (key) do update set event_ids = b.event_ids || jsonb_build_array($3::text),
         function_id = excluded.function_id
       returning jsonb_array_length(event_ids) as size, due_at
     ), j as (
       insert into engine.jobs (id, kind, payload, run_at, key)
       select $5, 'batch', jsonb_build_object('key', $1::text), b.due_at, 'batch:' || $1 from b
       on conflict (key) do nothing
     )
     select size from b`,
    [b.key, b.functionId, b.eventId, b.timeoutMs, ulid()],
  );
  return Number(row.size);
}
