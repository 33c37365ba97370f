import type { FunctionDef } from "../interfaces";
import type { Queryable } from "../sql-client";

/** Replaces an app's functions with the ones from its latest sync. */
export async function saveApp(
  q: Queryable,
  app: { id: string; url: string; framework?: string | null; sdk?: string | null },
  functions: FunctionDef[],
): Promise<void> {
  await q.query(
    `insert into engine.apps (id, url, framework, sdk, synced_at) values ($1, $2, $3, $4, now())
     on conflict (id) do update set url = excluded.url, framework = excluded.framework,
       sdk = excluded.sdk, synced_at = now()`,
    [app.id, app.url, app.framework ?? null, app.sdk ?? null],
  );
  await q.query(
    "delete from engine.functions where app_id = $1 and not (id = any(string_to_array($2, ',')))",
    [app.id, functions.map((f) => f.id).join(",")],
  );
  for (const fn of functions) {
    await q.query(
      `insert into engine.functions (id, app_id, name, url, config, updated_at)
       values ($1, $2, $3, $4, $5::text::jsonb, now())
       on conflict (id) do update set app_id = excluded.app_id, name = excluded.name,
         url = excluded.url, config = excluded.config, updated_at = now()`,
      [fn.id, app.id, fn.name, fn.url, fn.config],
    );
  }
}
