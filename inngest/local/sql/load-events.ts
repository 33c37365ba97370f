import type { Queryable } from "../sql-client";
import type { StoredEvent } from "./insert-events";

/** Accepted events by id, in the order given (a batch's events). */
export async function loadEvents(q: Queryable, ids: string[]): Promise<StoredEvent[]> {
  return q.query<StoredEvent>(
    `select e.id, e.name, e.payload
     from jsonb_array_elements_text($1::text::jsonb) with ordinality as x(id, n)
     join engine.events e on e.id = x.id
     order by x.n`,
    [JSON.stringify(ids)],
  );
}
