import type { Queryable } from "../sql-client";

/**
 * One GCRA admission for a limit that drops what is over it (`idempotency`, `rateLimit`):
 * `emissionMs` is period / limit, `toleranceMs` how far ahead of now the theoretical
 * arrival time may run (a burst). Admitted → true and the state moves on; refused → false,
 * nothing changes. One statement: concurrent admissions for a key serialize on its row.
 */
export async function admitGcra(
  q: Queryable,
  key: string,
  emissionMs: number,
  toleranceMs: number,
): Promise<boolean> {
  const rows = await q.query(
    `insert into engine.flow_limits as f (key, tat)
     values ($1, now() + $2::float8 * interval '1 millisecond')
     on conflict (key) do update
       set tat = greatest(f.tat, now()) + $2::float8 * interval '1 millisecond'
       where greatest(f.tat, now()) - now() <= $3::float8 * interval '1 millisecond'
     returning key`,
    [key, emissionMs, toleranceMs],
  );
  return rows.length > 0;
}
