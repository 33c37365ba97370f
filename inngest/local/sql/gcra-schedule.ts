import type { Queryable } from "../sql-client";

/**
 * One GCRA admission for a limit that delays what is over it (`throttle`): every run is
 * admitted, at the earliest time the limit allows (FIFO, since each admission moves the
 * theoretical arrival time on by `emissionMs`). Returns that start time (epoch ms).
 */
export async function scheduleGcra(
  q: Queryable,
  key: string,
  emissionMs: number,
  toleranceMs: number,
): Promise<number> {
  const [row] = await q.query<{ start_at: number }>(
    `insert into engine.flow_limits as f (key, tat)
     values ($1, now() + $2::float8 * interval '1 millisecond')
     on conflict (key) do update
       set tat = greatest(f.tat, now()) + $2::float8 * interval '1 millisecond'
     returning (extract(epoch from greatest(now(),
       tat - ($2::float8 + $3::float8) * interval '1 millisecond')) * 1000)::float8 as start_at`,
    [key, emissionMs, toleranceMs],
  );
  return Number(row.start_at);
}
